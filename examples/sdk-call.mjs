// Issue a server certificate from a CSR through Alibaba Cloud's official SDK, pointed at caskit serve.
// node examples/sdk-call.mjs <sub-CA identifier> <csr file>
// (CASKIT_ACCESS_KEY_ID / CASKIT_ACCESS_KEY_SECRET from `caskit accesskey create`; CASKIT_ENDPOINT host:port)
import { readFileSync } from "node:fs";
import OpenApiCore, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";

// The SDK is CommonJS with `exports.default = Client`: in an ES module the client class is `.default`.
const OpenApi = OpenApiCore.default;
const client = new OpenApi(new $OpenApiUtil.Config({
  accessKeyId: process.env.CASKIT_ACCESS_KEY_ID,
  accessKeySecret: process.env.CASKIT_ACCESS_KEY_SECRET,
  endpoint: process.env.CASKIT_ENDPOINT ?? "127.0.0.1:8080",
  protocol: "http",
}));
const params = new $OpenApiUtil.Params({ action: "CreateServerCertificateWithCsr", version: "2020-06-30", protocol: "HTTPS",
  pathname: "/", method: "POST", authType: "AK", style: "RPC", reqBodyType: "formData", bodyType: "json" });
const [parentIdentifier, csrFile] = process.argv.slice(2);
const request = new $OpenApiUtil.OpenApiRequest({
  query: OpenApiUtil.query({ ParentIdentifier: parentIdentifier, Csr: readFileSync(csrFile, "utf8"), Days: 90, Immediately: 2 }),
});
const res = await client.callApi(params, request, new $dara.RuntimeOptions({}));
console.log(JSON.stringify(res.body, null, 2)); // { RequestId, Identifier, X509Certificate, CertificateChain }
