// rqlite's JavaScript client (rqlite-js 2.5.7, unchanged) against a real rqlited: create a table,
// insert with positional and named parameters, select at every consistency level, read results,
// a failing transaction. Usage: node client_test.js <rqlited binary> <scratch directory>
'use strict'
const assert = require('assert')
const { spawn } = require('child_process')
const fs = require('fs')
const net = require('net')
const path = require('path')
const { DataApiClient } = require('rqlite-js')

function freePort () {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

async function waitReady (url, child, log) {
  for (let i = 0; i < 1500; i++) {
    if (child.exitCode !== null) throw new Error('rqlited exited during start-up:\n' + fs.readFileSync(log, 'utf8'))
    try {
      const response = await fetch(url + '/readyz')
      if (response.status === 200) return
    } catch (e) { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('rqlited did not become ready:\n' + fs.readFileSync(log, 'utf8'))
}

async function exercise (url) {
  const client = new DataApiClient(url)
  let results = await client.execute('CREATE TABLE foo (id integer not null primary key, name text, age integer)')
  assert.strictEqual(results.hasError(), false, results.toString())

  results = await client.execute([['INSERT INTO foo(name, age) VALUES(?, ?)', 'fiona', 20]])
  assert.strictEqual(results.hasError(), false, results.toString())
  assert.strictEqual(results.get(0).getLastInsertId(), 1)
  assert.strictEqual(results.get(0).getRowsAffected(), 1)
  results = await client.execute([['INSERT INTO foo(name, age) VALUES(:name, :age)', { name: 'declan', age: 30 }]])
  assert.strictEqual(results.get(0).getLastInsertId(), 2)

  const expected = [{ id: 1, name: 'fiona', age: 20 }, { id: 2, name: 'declan', age: 30 }]
  for (const level of ['none', 'weak', 'linearizable', 'strong']) {
    results = await client.query('SELECT id, name, age FROM foo ORDER BY id', { level })
    assert.strictEqual(results.hasError(), false, level + ': ' + results.toString())
    assert.deepStrictEqual(results.toArray(), expected, level)
    assert.strictEqual(results.get(1).get('name'), 'declan', level)
  }
  results = await client.query(['SELECT name FROM foo WHERE id=1', 'SELECT COUNT(*) AS n FROM foo'], { level: 'strong' })
  assert.deepStrictEqual(results.toArray(), [{ name: 'fiona' }, { n: 2 }])

  results = await client.execute(['INSERT INTO foo(name) VALUES("x")', 'INSERT INTO nosuch(name) VALUES("y")'], { transaction: true })
  assert.strictEqual(results.hasError(), true)
  assert.match(results.getFirstError().toString(), /no such table: nosuch/)
  results = await client.query('SELECT COUNT(*) AS n FROM foo')
  assert.deepStrictEqual(results.toArray(), [{ n: 2 }], 'the failed transaction was rolled back')

  const raw = await client.execute('UPDATE foo SET name="justin" WHERE id=1', { raw: true })
  assert.strictEqual(raw.status, 200)
  // last_insert_id is the connection's: the rolled-back transaction's insert (rowid 3) still shows.
  assert.deepStrictEqual(raw.body, { results: [{ last_insert_id: 3, rows_affected: 1 }] })
}

async function main () {
  const [binary, scratch] = process.argv.slice(2)
  const dataDirectory = path.join(scratch, 'node')
  fs.rmSync(dataDirectory, { recursive: true, force: true })
  fs.mkdirSync(dataDirectory, { recursive: true })
  const httpPort = await freePort()
  const raftPort = await freePort()
  const log = path.join(scratch, 'rqlited.log')
  const out = fs.openSync(log, 'w')
  const child = spawn(binary, ['-http-addr', `127.0.0.1:${httpPort}`, '-raft-addr', `127.0.0.1:${raftPort}`, dataDirectory],
    { stdio: ['ignore', out, out] })
  const url = `http://127.0.0.1:${httpPort}`
  try {
    await waitReady(url, child, log)
    await exercise(url)
    console.log('rqlite-js 2.5.7 against rqlited: all checks passed')
  } finally {
    child.kill('SIGTERM')
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
