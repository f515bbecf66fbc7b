// The backend as component tests see it after `vi.mock('$lib/backend')`: every IPC call is
// a `vi.fn()`, the pure helpers are the real ones.
import { vi } from 'vitest';
import type * as Real from '../index';

const actual = await vi.importActual<typeof Real>('../index');

export type * from '../bindings';
export type { RunningTest } from '../index';
export const {
  asApiError,
  isApiError,
  newRunId,
  DEFAULT_INCOMING_PORTS,
  DEFAULT_OUTGOING_PORTS,
  DEFAULT_TIMEOUT_SECS,
  M365_SMTP_HOST,
} = actual;

export const appInfo = vi.fn<typeof Real.appInfo>();
export const setLanguage = vi.fn<typeof Real.setLanguage>();
export const listServers = vi.fn<typeof Real.listServers>();
export const getServer = vi.fn<typeof Real.getServer>();
export const createServer = vi.fn<typeof Real.createServer>();
export const updateServer = vi.fn<typeof Real.updateServer>();
export const deleteServer = vi.fn<typeof Real.deleteServer>();

export const listOutgoing = vi.fn<typeof Real.listOutgoing>();
export const getOutgoing = vi.fn<typeof Real.getOutgoing>();
export const createOutgoing = vi.fn<typeof Real.createOutgoing>();
export const updateOutgoing = vi.fn<typeof Real.updateOutgoing>();
export const deleteOutgoing = vi.fn<typeof Real.deleteOutgoing>();
export const listCompanies = vi.fn<typeof Real.listCompanies>();
export const createCompany = vi.fn<typeof Real.createCompany>();
export const updateCompany = vi.fn<typeof Real.updateCompany>();
export const deleteCompany = vi.fn<typeof Real.deleteCompany>();
export const listUsers = vi.fn<typeof Real.listUsers>();
export const createUser = vi.fn<typeof Real.createUser>();
export const updateUser = vi.fn<typeof Real.updateUser>();
export const deleteUser = vi.fn<typeof Real.deleteUser>();
export const importUsersCsv = vi.fn<typeof Real.importUsersCsv>();
export const listGroups = vi.fn<typeof Real.listGroups>();
export const createGroup = vi.fn<typeof Real.createGroup>();
export const updateGroup = vi.fn<typeof Real.updateGroup>();
export const deleteGroup = vi.fn<typeof Real.deleteGroup>();
export const listEmployees = vi.fn<typeof Real.listEmployees>();
export const createEmployee = vi.fn<typeof Real.createEmployee>();
export const updateEmployee = vi.fn<typeof Real.updateEmployee>();
export const deleteEmployee = vi.fn<typeof Real.deleteEmployee>();
export const listAccounts = vi.fn<typeof Real.listAccounts>();
export const getAccount = vi.fn<typeof Real.getAccount>();
export const createAccount = vi.fn<typeof Real.createAccount>();
export const updateAccount = vi.fn<typeof Real.updateAccount>();
export const deleteAccount = vi.fn<typeof Real.deleteAccount>();
export const effectiveOutgoing = vi.fn<typeof Real.effectiveOutgoing>();
export const listCalendars = vi.fn<typeof Real.listCalendars>();
export const createCalendar = vi.fn<typeof Real.createCalendar>();
export const updateCalendar = vi.fn<typeof Real.updateCalendar>();
export const deleteCalendar = vi.fn<typeof Real.deleteCalendar>();
export const listCertificates = vi.fn<typeof Real.listCertificates>();
export const importCertificate = vi.fn<typeof Real.importCertificate>();
export const renameCertificate = vi.fn<typeof Real.renameCertificate>();
export const deleteCertificate = vi.fn<typeof Real.deleteCertificate>();
export const getSettings = vi.fn<typeof Real.getSettings>();
export const saveSettings = vi.fn<typeof Real.saveSettings>();
export const listTemplates = vi.fn<typeof Real.listTemplates>();
export const createTemplate = vi.fn<typeof Real.createTemplate>();
export const deleteTemplate = vi.fn<typeof Real.deleteTemplate>();
export const listPresets = vi.fn<typeof Real.listPresets>();
export const exportConfig = vi.fn<typeof Real.exportConfig>();
export const importConfig = vi.fn<typeof Real.importConfig>();

export const testServer = vi.fn<typeof Real.testServer>();
export const testOutgoing = vi.fn<typeof Real.testOutgoing>();
export const testAccount = vi.fn<typeof Real.testAccount>();
export const testAll = vi.fn<typeof Real.testAll>();
export const cancelTest = vi.fn<typeof Real.cancelTest>();
export const testHistory = vi.fn<typeof Real.testHistory>();

export const listOauthProviders = vi.fn<typeof Real.listOauthProviders>();
export const createOauthProvider = vi.fn<typeof Real.createOauthProvider>();
export const updateOauthProvider = vi.fn<typeof Real.updateOauthProvider>();
export const deleteOauthProvider = vi.fn<typeof Real.deleteOauthProvider>();
export const oauthProviderDefaults = vi.fn<typeof Real.oauthProviderDefaults>();
export const oauthStatus = vi.fn<typeof Real.oauthStatus>();
export const oauthConnect = vi.fn<typeof Real.oauthConnect>();
export const oauthDisconnect = vi.fn<typeof Real.oauthDisconnect>();
