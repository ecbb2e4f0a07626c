/** Response bodies as the SDK reads them: JSON by default, XML on Format=XML (docs/cas-api.md–2.5). */
import { XMLBuilder } from "fast-xml-parser";

const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });

export function render(format: "JSON" | "XML", root: string, body: Record<string, unknown>): { contentType: string; payload: string } {
  if (format === "XML") {
    return { contentType: "text/xml;charset=utf-8", payload: `<?xml version="1.0" encoding="UTF-8"?>${xml.build({ [root]: xmlSafe(body) })}` };
  }
  return { contentType: "application/json;charset=utf-8", payload: JSON.stringify(body) };
}

/** Arrays of objects become repeated child elements, as Alibaba's XML responses show. */
function xmlSafe(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(xmlSafe);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, xmlSafe(x)]));
  return v;
}
