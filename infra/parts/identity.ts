import { Duration } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { resourceName, type StageSettings } from '../settings.js';

/**
 * The Cognito user pool (accounts created by administrators, MFA required, role and scope in custom
 * attributes only administrators write) and the pages' client, whose callback is `appUrl`.
 */
export const buildIdentity = (scope: Construct, settings: StageSettings, appUrl: string): { userPool: UserPool; webClient: UserPoolClient } => {
  const scopeAttribute = (maxLen: number) => new StringAttribute({ minLen: 1, maxLen, mutable: true });
  const userPool = new UserPool(scope, 'UserPool', {
    userPoolName: resourceName(settings, 'users'),
    // Accounts are created by the administrators, with their role and scope.
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    autoVerify: { email: true },
    // A user who changes their email keeps the old one until the new one is verified: the
    // application reads only a verified email (shared/auth/principal.ts), as the centre's mailbox.
    keepOriginal: { email: true },
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    featurePlan: FeaturePlan.PLUS,
    standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
    // Names as in shared/auth/principal.ts `tokenClaims` (`custom:role`, ...).
    customAttributes: {
      role: scopeAttribute(16),
      centreId: scopeAttribute(64),
      department: scopeAttribute(3),
      region: scopeAttribute(3),
      jurorId: scopeAttribute(64),
      displayName: scopeAttribute(120),
      // Shown instead of the centre's id and recorded in its events; set by administrators only.
      centreName: scopeAttribute(120),
    },
    deletionProtection: settings.deletionProtection,
    removalPolicy: settings.removalPolicy,
  });
  userPool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: settings.cognitoDomainPrefix } });
  const customAttributes = ['role', 'centreId', 'department', 'region', 'jurorId', 'displayName', 'centreName'];
  const webClient = userPool.addClient('WebClient', {
    userPoolClientName: resourceName(settings, 'web'),
    generateSecret: false,
    authFlows: { userSrp: true },
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
      callbackUrls: [`${appUrl}/auth/callback`],
      logoutUrls: [appUrl],
    },
    preventUserExistenceErrors: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(12),
    readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes(...customAttributes),
    // Role and scope are set by administrators only: a user must not be able to widen their own.
    writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
  });
  return { userPool, webClient };
};
