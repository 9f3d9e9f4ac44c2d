// Preloaded (node --require) into every README server the docs test runs: when the program starts listening, its
// parent is told the port (through the IPC channel), so the test needs no fixed port, no polling and no sleep; and
// when that channel closes (the test is gone, however it ended), the server ends too.
const net = require('net')

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  this.once('listening', () => {
    const address = this.address()
    if (process.send && address && typeof address === 'object') process.send({ listening: address.port })
  })
  return listen.apply(this, args)
}
process.once('disconnect', () => process.exit(0))
