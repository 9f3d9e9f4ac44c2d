// jest globalTeardown: stops anything the globalSetup started (see package-fixture.js).
module.exports = require('./package-fixture.js').teardown
