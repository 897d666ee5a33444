// Names for the generated schema types, so features import `User` rather than spelling the generated path.
import type { components as PublicComponents } from "./generated/public";
import type { components as TenantComponents } from "./generated/tenant";

type Tenant = TenantComponents["schemas"];
type Public = PublicComponents["schemas"];

export type Me = Tenant["Me"];
export type User = Tenant["User"];
export type Role = Tenant["RoleEnum"];
export type Invitation = Tenant["Invitation"];
export type ApiToken = Tenant["ApiToken"];
export type ApiTokenCreated = Tenant["ApiTokenCreated"];
export type TenantSettings = Tenant["TenantSettings"];
export type TenantSettingsUpdate = Tenant["PatchedTenantSettingsUpdateRequest"];
export type BillingState = Tenant["BillingState"];
export type Plan = Public["Plan"];
export type SignupRequest = Public["SignupRequest"];
export type SignupCreated = Public["SignupCreated"];
export type SubdomainAvailability = Public["SubdomainAvailability"];
export type Verified = Public["Verified"];
export type TenantBrand = Tenant["TenantBrand"];
export type Dashboard = Tenant["Dashboard"];
export type AccountHealth = Tenant["AccountHealth"];
export type SearchResults = Tenant["SearchResults"];
export type PersonHit = Tenant["PersonHit"];
export type MessageHit = Tenant["MessageHit"];
export type MailAccount = Tenant["MailAccount"];
export type MailAccountCreate = Tenant["MailAccountCreateRequest"];
export type MailFolder = Tenant["MailFolder"];
export type MailMessage = Tenant["MailMessage"];
export type MailMessageDetail = Tenant["MailMessageDetail"];
export type MailAttachment = Tenant["MailAttachment"];
export type MailAccountAdmin = Tenant["MailAccountAdmin"];
export type MailPreset = Tenant["MailPreset"];
