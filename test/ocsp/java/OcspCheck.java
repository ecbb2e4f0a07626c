/*
 * Java's PKIX validator as an OCSP relying party, for test/ocsp/java.e2e.test.ts.
 *
 *   java OcspCheck.java ROOT.pem SUB.pem LEAF.pem [LEAF.pem …]
 *
 * For each leaf: CertPathValidator("PKIX") over [leaf, sub] with ROOT as the trust anchor and a
 * PKIXRevocationChecker that asks OCSP only (ONLY_END_ENTITY, NO_FALLBACK: no CRL is consulted) at the URL
 * in the leaf's authorityInfoAccess (no responder override: setOcspResponder is never called). Prints one
 * line per leaf:
 *
 *   RESULT <leaf> VALID
 *   RESULT <leaf> INVALID reason=<BasicReason> revocationReason=<CRLReason|-> index=<i> message=<…>
 *
 * Exits 0 when every line was printed (whatever the verdicts), 2 on a usage or I/O error.
 */
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.cert.CRLReason;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateRevokedException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

public class OcspCheck {
    static X509Certificate read(CertificateFactory cf, String path) throws Exception {
        try (InputStream in = new FileInputStream(path)) {
            return (X509Certificate) cf.generateCertificate(in);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java OcspCheck.java ROOT.pem SUB.pem LEAF.pem [LEAF.pem ...]");
            System.exit(2);
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate root = read(cf, args[0]);
        X509Certificate sub = read(cf, args[1]);
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        for (int i = 2; i < args.length; i++) {
            X509Certificate leaf = read(cf, args[i]);
            CertPath path = cf.generateCertPath(List.of(leaf, sub));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(true);
            PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
            // OCSP is the default mechanism (no PREFER_CRLS); no fallback to CRLs; the leaf only (the sub-CA's
            // own status would need the root's responder). No setOcspResponder: the URL comes from the AIA.
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY, PKIXRevocationChecker.Option.NO_FALLBACK));
            params.addCertPathChecker(checker);
            try {
                validator.validate(path, params);
                System.out.println("RESULT " + args[i] + " VALID");
            } catch (CertPathValidatorException e) {
                String reason = e.getReason() == null ? "-" : e.getReason().toString();
                String revocationReason = "-";
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof CertificateRevokedException) {
                        CRLReason r = ((CertificateRevokedException) t).getRevocationReason();
                        revocationReason = r == null ? "-" : r.toString();
                        break;
                    }
                }
                String message = String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+", " ");
                System.out.println("RESULT " + args[i] + " INVALID reason=" + reason + " revocationReason=" + revocationReason + " index=" + e.getIndex() + " message=" + message);
                if (System.getenv("OCSPCHECK_TRACE") != null) e.printStackTrace();
            }
        }
    }
}
