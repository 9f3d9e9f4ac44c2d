#!/usr/bin/env node
// `npm start`: builds the playground, then serves playground/.out on 127.0.0.1 (PORT, or a free port).
const http = require('http')
const fs = require('fs')
const path = require('path')
const { build, OUT } = require('./build')

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
}

function serve(port = 0) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const rel = decodeURIComponent(url.pathname).replace(/\/$/, '/index.html')
    const file = path.join(OUT, path.normalize(rel))
    if (!file.startsWith(OUT + path.sep)) {
      res.writeHead(403).end()
      return
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
        return
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      })
      res.end(body)
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }))
  })
}

module.exports = { serve }

if (require.main === module) {
  build()
    .then(() => serve(Number(process.env.PORT) || 0))
    .then(({ url }) => console.log(`playground: ${url}`))
    .catch((e) => {
      console.error(e.message || e)
      process.exit(1)
    })
}
