/**
 * The floor of any OCSP responder written on Node's HTTP server (benchmarks/ocsp.bench.ts): reads the
 * request body and answers the same fixed bytes every time — no parsing, no lookup, no logging. What a
 * server costs beyond this is its own work; what this costs is Node's and the kernel's.
 *
 *   node benchmarks/node-floor.server.mjs PORT ANSWER_FILE
 */
import { readFileSync } from "node:fs";
import http from "node:http";

const [port, file] = process.argv.slice(2);
const answer = readFileSync(file);
const server = http.createServer((req, res) => {
  req.on("data", () => undefined);
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/ocsp-response", "content-length": String(answer.length), "cache-control": "no-store" });
    res.end(answer);
  });
});
server.keepAliveTimeout = 72_000; // as caskit serve's
server.listen(Number(port), "127.0.0.1");
