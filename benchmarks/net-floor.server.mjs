/**
 * Below Node's HTTP server (benchmarks/ocsp.bench.ts): a plain `net` server that finds the end of each
 * request's head and its Content-Length body, and answers the same fixed bytes — no HTTP parser, no
 * request or response objects, no timers. It is not a server anyone should run (it understands only the
 * bench's own requests); it measures what a responder could gain by leaving Node's http module for
 * hand-written HTTP over raw sockets, which caskit does not do (docs/ocsp.md, Throughput).
 *
 *   node benchmarks/net-floor.server.mjs PORT ANSWER_FILE
 */
import { readFileSync } from "node:fs";
import net from "node:net";

const [port, file] = process.argv.slice(2);
const answer = readFileSync(file);
const head = (close) =>
  Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/ocsp-response\r\ncontent-length: ${answer.length}\r\ncache-control: no-store\r\n${close ? "connection: close\r\n" : ""}\r\n`);
const keep = Buffer.concat([head(false), answer]);
const close = Buffer.concat([head(true), answer]);

net
  .createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on("data", (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const text = buf.subarray(0, end).toString("latin1").toLowerCase();
        const length = Number(/\r\ncontent-length:\s*(\d+)/.exec(text)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        buf = buf.subarray(end + 4 + length);
        if (text.includes("\r\nconnection: close")) return void socket.end(close);
        socket.write(keep);
      }
    });
    socket.on("error", () => undefined);
  })
  .listen(Number(port), "127.0.0.1");
