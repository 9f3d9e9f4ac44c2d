// j-component (the runtime of the playground and of miniprogram-simulate) re-renders a component's whole template
// on every setData and, when any attribute of a node changed, sets all of them again; and every object a template
// binds (`cards="{{ cards }}"`) reaches the child as a fresh copy on each render. So any setData of a page re-set
// every list below it, and the list's `cards` observer cleared its selection (a page that counts the selection
// in its `select` handler cleared it at once). WeChat updates only the bindings whose data changed. This makes
// j-component set again only the attributes whose value changed, objects compared as data.

/** Same value: identical, or equal as JSON (what setData carries). */
function sameValue(a, b) {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Wraps `render.updateAttrs` of j-component (`j-component/src/render/render`), which its diff calls with every
 * attribute of a changed node, so that only the changed ones are applied. The node still holds its previous
 * virtual node (`_vt`) while the diff updates it. A removed attribute (value undefined) always applies.
 */
function updateOnlyChangedAttributes(render) {
  if (render.updateAttrs.onlyChanged) return
  const updateAttrs = render.updateAttrs
  const onlyChanged = (node, attrs) => {
    const before = new Map(((node._vt && node._vt.attrs) || []).map((attr) => [attr.name, attr.value]))
    const changed = attrs.filter(
      ({ name, value }) => value === undefined || !before.has(name) || !sameValue(before.get(name), value),
    )
    if (changed.length) updateAttrs(node, changed)
  }
  onlyChanged.onlyChanged = true
  render.updateAttrs = onlyChanged
}

module.exports = { updateOnlyChangedAttributes }
