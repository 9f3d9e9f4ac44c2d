// Local stand-ins for the vant icon font (loaded from a CDN, which the page must not reach): a few glyphs drawn
// as SVG masks in the icon's colour. Icons not listed render empty rather than as tofu boxes.
const stroke = (d: string, w = 2.2) =>
  `<path d='${d}' fill='none' stroke='black' stroke-width='${w}' stroke-linecap='round' stroke-linejoin='round'/>`
const ring = `<circle cx='12' cy='12' r='9.5' fill='none' stroke='black' stroke-width='1.8'/>`
// a filled disc with the mark cut out
const disc = (mark: string) =>
  `<mask id='m'><rect width='24' height='24' fill='white'/>${mark}</mask><circle cx='12' cy='12' r='10.5' mask='url(#m)'/>`
const photo = `<rect x='3' y='5' width='18' height='14' rx='2' fill='none' stroke='black' stroke-width='1.6'/>${stroke('M3.8 16.5l5-5 4 4 2.6-2.6 4.8 4.8', 1.6)}<circle cx='16' cy='9.2' r='1.6'/>`

const ICONS: Record<string, string> = {
  success: stroke('M4.5 12.5l5 5L19.5 7', 2.6),
  arrow: stroke('M9 5l7 7-7 7'),
  'arrow-left': stroke('M15 5l-7 7 7 7'),
  'arrow-up': stroke('M5 15l7-7 7 7'),
  'arrow-down': stroke('M5 9l7 7 7-7'),
  cross: stroke('M6 6l12 12M18 6L6 18'),
  plus: stroke('M12 5v14M5 12h14'),
  minus: stroke('M5 12h14'),
  photo,
  'photo-fail': photo + stroke('M4 4l16 16', 1.8),
  checked: disc(stroke('M7 12.5l3.5 3.5L17.5 9', 2.4)),
  passed: ring + stroke('M7.5 12.5l3 3 6-6.5', 1.8),
  clear: disc(stroke('M8.5 8.5l7 7M15.5 8.5l-7 7', 2)),
  close: ring + stroke('M8.8 8.8l6.4 6.4M15.2 8.8l-6.4 6.4', 1.8),
  'info-o': ring + stroke('M12 11v6', 1.8) + "<circle cx='12' cy='7.6' r='1.2'/>",
  'warning-o': ring + stroke('M12 7v6.5', 1.8) + "<circle cx='12' cy='16.6' r='1.2'/>",
  circle: ring,
}

const uri = (body: string) =>
  `url("data:image/svg+xml,${encodeURIComponent(`<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'>${body}</svg>`)}")`

/** The CSS of the stand-ins, one rule per icon. */
export function iconsCss(): string {
  let css = '/* vant icon font replaced by local SVG masks (see playground/src/icons.js) */\n'
  css += '.van-icon::before{content:"";font-family:inherit}\n'
  for (const [name, body] of Object.entries(ICONS)) {
    css +=
      `.van-icon.van-icon-${name}::before{content:"";width:1em;height:1em;vertical-align:-0.125em;background-color:currentColor;` +
      `-webkit-mask:${uri(body)} center/contain no-repeat;mask:${uri(body)} center/contain no-repeat}\n`
  }
  return css
}
