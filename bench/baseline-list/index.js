// P3 baseline: no observer, no derived data, no setData; the template reads `cards` directly.
Component({
  properties: {
    cards: { type: Array, value: [] },
  },
})
