/** CAS action name → action. The HTTP dispatcher and the CLI both go through this table. */
import type { Action } from "../run.js";
import { createRootCACertificate, createSubCACertificate, describeCACertificate, describeCACertificateCount, describeCACertificateList, updateCACertificateStatus } from "./ca.js";
import {
  createRevokeClientCertificate,
  deleteClientCertificate,
  describeCertificatePrivateKey,
  describeClientCertificate,
  describeClientCertificateStatus,
  listClientCertificate,
  listRevokeCertificate,
} from "./certificates.js";
import { createCustomCertificate } from "./custom.js";
import { ISSUE_ACTIONS } from "./issue.js";

const ALL = [
  createRootCACertificate,
  createSubCACertificate,
  describeCACertificate,
  describeCACertificateList,
  describeCACertificateCount,
  updateCACertificateStatus,
  ...ISSUE_ACTIONS,
  createCustomCertificate,
  describeClientCertificate,
  describeClientCertificateStatus,
  listClientCertificate,
  listRevokeCertificate,
  createRevokeClientCertificate,
  deleteClientCertificate,
  describeCertificatePrivateKey,
] as Action[];

/** The private-CA actions of CAS API version 2020-06-30. */
export const PCA_ACTIONS: ReadonlyMap<string, Action> = new Map(ALL.map((a) => [a.name, a]));
