// MockPass's exported Express app on 127.0.0.1 only (its index.js listens on every interface).
const { app } = require('@opengovsg/mockpass/app')

const port = Number(process.argv[2] || 5156)
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`MockPass listening on http://127.0.0.1:${server.address().port}`)
})
