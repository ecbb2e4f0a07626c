/**
 * V3 canonical query (issue 14 #2): keys are percent-encoded as the ACS3 specification says, so a key
 * holding `=` or `&` can never canonicalise like the parameters it swallowed; keys of the parameter
 * grammar canonicalise exactly as the SDK (which leaves keys unencoded) does.
 */
import { describe, expect, it } from "vitest";
import { checkParams } from "../../src/http/rpc/request.js";
import { v3CanonicalQuery } from "../../src/http/rpc/signature.js";

describe("v3CanonicalQuery", () => {
  it("a folded key does not canonicalise like the two parameters it holds", () => {
    const honest = v3CanonicalQuery([["EnableCrl", "1"], ["ExtendedKeyUsages.1", "serverAuth"]]);
    expect(honest).toBe("EnableCrl=1&ExtendedKeyUsages.1=serverAuth");
    const folded = v3CanonicalQuery([["EnableCrl=1&ExtendedKeyUsages.1", "serverAuth"]]);
    expect(folded).toBe("EnableCrl%3D1%26ExtendedKeyUsages.1=serverAuth");
    expect(folded).not.toBe(honest);
  });

  it("grammar keys are unchanged by encoding (what the SDK signs)", () => {
    const q: Array<[string, string]> = [["ApiPassthrough.Subject.CustomAttributes.1.ObjectIdentifier", "2.5.4.3"], ["Tags.1.Key", "a b"], ["x_y-z", "*"]];
    expect(() => checkParams(q)).not.toThrow();
    expect(v3CanonicalQuery(q)).toBe("ApiPassthrough.Subject.CustomAttributes.1.ObjectIdentifier=2.5.4.3&Tags.1.Key=a%20b&x_y-z=%2A");
  });

  it("checkParams refuses the folded key and duplicates", () => {
    expect(() => checkParams([["EnableCrl=1&ExtendedKeyUsages.1", "serverAuth"]])).toThrow(expect.objectContaining({ code: "InvalidParameter", status: 400 }));
    expect(() => checkParams([["Days", "1"], ["Days", "2"]])).toThrow(/more than once/);
  });
});
