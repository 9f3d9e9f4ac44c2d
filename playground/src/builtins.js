// Built-in tags (<view>, <button>, <image>…). j-component has none, so each is registered as a component:
// most just pass their children through; the ones that show something themselves get a small stand-in.
// Their look comes from static/builtins.css (WeChat's default tag styles, approximated).

const PLAIN = [
  'scroll-view',
  'swiper',
  'swiper-item',
  'movable-area',
  'movable-view',
  'cover-view',
  'cover-image',
  'match-media',
  'page-container',
  'root-portal',
  'icon',
  'progress',
  'rich-text',
  'checkbox',
  'checkbox-group',
  'form',
  'label',
  'picker',
  'picker-view',
  'picker-view-column',
  'radio',
  'radio-group',
  'slider',
  'switch',
  'textarea',
  'video',
  'audio',
  'camera',
  'canvas',
  'map',
  'web-view',
  'ad',
  'official-account',
  'open-data',
  'page-meta',
  'navigation-bar',
]

/** Sets (true → empty), or removes (false/''/null) DOM attributes, for CSS attribute selectors and a11y. */
function reflect(el, attrs) {
  if (!el) return
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined || v === '') el.removeAttribute(k)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
}

const hover = (hoverClass, start, stay) => ({
  hoverClass: { type: String, value: hoverClass },
  hoverStopPropagation: { type: Boolean, value: false },
  hoverStartTime: { type: Number, value: start },
  hoverStayTime: { type: Number, value: stay },
})

/** A pass-through tag whose listed fields are mirrored onto the DOM element by `attrs(data)`. */
function mirrored(properties, attrs) {
  const keys = Object.keys(properties).join(', ')
  return () => ({
    template: '<slot/>',
    properties,
    observers: {
      [keys]() {
        reflect(this.$$, attrs(this.data))
      },
    },
    lifetimes: {
      attached() {
        reflect(this.$$, attrs(this.data))
      },
    },
  })
}

// ---------------------------------------------------------------- <image>

// background-size / background-position per WeChat image mode
const MODES = {
  scaleToFill: ['100% 100%', '0 0'],
  aspectFit: ['contain', 'center'],
  aspectFill: ['cover', 'center'],
  widthFix: ['100% 100%', '0 0'],
  heightFix: ['100% 100%', '0 0'],
  top: ['auto', 'top center'],
  bottom: ['auto', 'bottom center'],
  center: ['auto', 'center'],
  left: ['auto', 'center left'],
  right: ['auto', 'center right'],
  'top left': ['auto', 'top left'],
  'top right': ['auto', 'top right'],
  'bottom left': ['auto', 'bottom left'],
  'bottom right': ['auto', 'bottom right'],
}

let onRemoteImage = () => {}

/** The page never leaves 127.0.0.1: remote images (vant's empty-state pictures on a CDN…) become local drawings. */
function localSrc(src) {
  if (!/^(https?:)?\/\//i.test(src)) return src
  onRemoteImage(src)
  return /\/vant\/empty-image-\w+\.png/.test(src) ? 'empty-image.svg' : 'remote-image.svg'
}

const image = () => ({
  template: '<slot/>',
  properties: {
    src: { type: String, value: '' },
    mode: { type: String, value: 'scaleToFill' },
    lazyLoad: Boolean,
    webp: Boolean,
    fadeIn: Boolean,
    showMenuByLongpress: Boolean,
    ariaLabel: String,
  },
  observers: {
    'src, mode'() {
      this.pgPaint()
    },
  },
  lifetimes: {
    attached() {
      this.pgPaint()
    },
  },
  methods: {
    pgPaint() {
      const el = this.$$
      if (!el) return
      const { src, mode, ariaLabel } = this.data
      const url = src ? localSrc(src) : ''
      const [size, position] = MODES[mode] || MODES.scaleToFill
      Object.assign(el.style, {
        backgroundImage: url ? `url("${url}")` : 'none',
        backgroundSize: size,
        backgroundPosition: position,
      })
      reflect(el, { role: 'img', 'aria-label': ariaLabel })
      const token = (this.pgToken = (this.pgToken || 0) + 1)
      if (!url) return
      const img = new Image()
      img.onload = () => {
        if (token !== this.pgToken) return
        const { naturalWidth: w, naturalHeight: h } = img
        if (mode === 'widthFix' && w) el.style.height = `${(el.clientWidth * h) / w}px`
        if (mode === 'heightFix' && h) el.style.width = `${(el.clientHeight * w) / h}px`
        this.triggerEvent('load', { width: w, height: h })
      }
      img.onerror = () => token === this.pgToken && this.triggerEvent('error', { errMsg: `GET ${src} failed` })
      img.src = url
    },
  },
})

// ---------------------------------------------------------------- <input>

/**
 * <input>: a browser <input> inside the tag's element; its value, placeholder and state follow the properties, and
 * typing, focus, blur and Enter become WeChat's input, focus, blur and confirm events, with WeChat's `detail`.
 */
const input = () => ({
  template: '<slot/>',
  properties: {
    value: { type: String, value: '' },
    type: { type: String, value: 'text' },
    password: Boolean,
    placeholder: String,
    disabled: Boolean,
    maxlength: { type: Number, value: 140 },
    focus: Boolean,
    confirmType: { type: String, value: 'done' },
  },
  observers: {
    'value, type, password, placeholder, disabled, maxlength'() {
      this.pgPaint()
    },
  },
  lifetimes: {
    attached() {
      const host = this.$$
      if (!host || typeof document === 'undefined') return
      const el = document.createElement('input')
      el.className = 'pg-input'
      host.appendChild(el)
      this.pgInput = el
      const detail = (extra) => Object.assign({ value: el.value }, extra)
      el.addEventListener('input', () =>
        this.triggerEvent('input', detail({ cursor: el.selectionStart || 0, keyCode: 0 })),
      )
      el.addEventListener('focus', () => this.triggerEvent('focus', detail({ height: 0 })))
      el.addEventListener('blur', () => this.triggerEvent('blur', detail({ cursor: el.selectionStart || 0 })))
      el.addEventListener('keydown', (e) => e.key === 'Enter' && this.triggerEvent('confirm', detail({})))
      this.pgPaint()
    },
  },
  methods: {
    pgPaint() {
      const el = this.pgInput
      if (!el) return
      const { value, type, password, placeholder, disabled, maxlength } = this.data
      if (el.value !== value) el.value = value
      reflect(el, {
        type: password ? 'password' : 'text',
        inputmode: type === 'number' ? 'numeric' : type === 'digit' ? 'decimal' : '',
        placeholder,
        disabled,
        maxlength: maxlength >= 0 ? maxlength : '',
      })
    },
  },
})

// ---------------------------------------------------------------- the list

const builtins = [
  {
    name: 'view',
    definition: mirrored(
      { ...hover('none', 50, 400), ariaRole: String, ariaLabel: String, ariaDisabled: Boolean },
      (d) => ({
        role: d.ariaRole,
        'aria-label': d.ariaLabel,
        'aria-disabled': d.ariaDisabled ? 'true' : '',
        tabindex: d.ariaRole === 'button' && !d.ariaDisabled ? '0' : '',
      }),
    ),
  },
  {
    name: 'text',
    definition: mirrored({ selectable: Boolean, userSelect: Boolean, space: String, decode: Boolean }, (d) => ({
      selectable: d.selectable || d.userSelect,
    })),
  },
  {
    name: 'button',
    definition: mirrored(
      {
        ...hover('button-hover', 20, 70),
        size: { type: String, value: 'default' },
        type: { type: String, value: 'default' },
        plain: Boolean,
        disabled: Boolean,
        loading: Boolean,
        formType: String,
        openType: String,
        ariaLabel: String,
      },
      (d) => ({
        role: 'button',
        tabindex: d.disabled ? '-1' : '0',
        'aria-label': d.ariaLabel,
        'aria-disabled': d.disabled ? 'true' : '',
        type: d.type,
        size: d.size,
        plain: d.plain,
        disabled: d.disabled,
        loading: d.loading,
      }),
    ),
  },
  {
    name: 'navigator',
    definition: mirrored({ ...hover('navigator-hover', 50, 600), url: String, openType: String }, () => ({
      role: 'link',
    })),
  },
  { name: 'image', definition: image },
  { name: 'input', definition: input },
  ...PLAIN.map((name) => ({ name, definition: () => ({ template: '<slot/>' }) })),
]

module.exports = { builtins, setRemoteImageHandler: (f) => (onRemoteImage = f) }
