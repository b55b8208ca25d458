import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { settingsFromContext, StageContextError } from '../../infra/settings.js';
import { retentionSettingsOf } from '../../shared/retention/purge.js';

const context = (values: Record<string, string>) => (key: string) => values[key];

describe('stage settings from the CDK context', () => {
  it('given no stage, when the settings are read, then a clear error names the stage key and the allowed values', () => {
    expect(() => settingsFromContext(context({}))).toThrow(StageContextError);
    expect(() => settingsFromContext(context({}))).toThrow(/stage.*dev, prod/);
  });

  it('given an unknown stage, when the settings are read, then it is refused', () => {
    expect(() => settingsFromContext(context({ stage: 'staging' }))).toThrow(/--context stage must be one of dev, prod/);
  });

  it('given a malformed mail domain, custom domain, certificate or hosted-UI prefix, when the settings are read, then the offending key is named', () => {
    expect(() => settingsFromContext(context({ stage: 'dev', mailDomain: 'not a domain' }))).toThrow(/mailDomain/);
    const certificateArn = 'arn:aws:acm:eu-west-3:123456789012:certificate/0b0c0d0e-1111-2222-3333-444455556666';
    expect(() => settingsFromContext(context({ stage: 'dev', domainName: 'https://app.example.fr', certificateArn }))).toThrow(/domainName/);
    expect(() => settingsFromContext(context({ stage: 'dev', domainName: 'app.example.fr', certificateArn: 'arn:aws:iam::123456789012:role/x' }))).toThrow(/certificateArn/);
    expect(() => settingsFromContext(context({ stage: 'dev', cognitoDomainPrefix: 'Mon_Prefixe' }))).toThrow(/cognitoDomainPrefix/);
    expect(() => settingsFromContext(context({ stage: 'dev', cognitoDomainPrefix: 'tp-cognito-dev' }))).toThrow(/cognitoDomainPrefix must not contain/);
  });

  it('given a domain without its certificate, or the reverse, when the settings are read, then it is refused: sign-in would go to a name nothing serves', () => {
    expect(() => settingsFromContext(context({ stage: 'prod', domainName: 'app.example.fr' }))).toThrow(/domainName and certificateArn go together/);
    expect(() => settingsFromContext(context({ stage: 'prod', certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b0c' }))).toThrow(/go together/);
    expect(settingsFromContext(context({ stage: 'prod' })).customDomain).toBeUndefined();
    expect(() => settingsFromContext(context({ stage: 'prod', appUrl: 'https://app.example.fr' }))).toThrow(/appUrl is no longer read: give domainName and certificateArn/);
  });

  it('given a directory file, when the settings are read, then it is validated at synth: a unit without a valid mailbox, or listed twice, is refused naming the file and the unit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tp-directory-'));
    const write = (name: string, value: unknown) => {
      const file = path.join(dir, name);
      writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
      return file;
    };
    const unit = { code: '75', kind: 'ud', label: 'Unité départementale de Paris', shortLabel: 'UD de Paris', email: 'ud75@example.gouv.fr', region: '11' };
    const good = settingsFromContext(context({ stage: 'prod', directoryFile: write('good.json', { units: [unit] }) }));
    expect(good.directory?.data.units).toEqual([unit]);
    expect(() => settingsFromContext(context({ stage: 'prod', directoryFile: write('bad.json', { units: [{ ...unit, email: 'pas une adresse' }] }) }))).toThrow(
      /directoryFile: .*bad\.json: units\.0\.email/,
    );
    expect(() => settingsFromContext(context({ stage: 'prod', directoryFile: write('twice.json', { units: [unit, unit] }) }))).toThrow(/listed twice: ud#75/);
    expect(() => settingsFromContext(context({ stage: 'prod', directoryFile: write('broken.json', '{ units: ') }))).toThrow(/directoryFile: .*cannot be read as JSON/);
    expect(() => settingsFromContext(context({ stage: 'prod', directoryFile: path.join(dir, 'missing.json') }))).toThrow(/directoryFile/);
  });

  it('given prod, when the settings are read, then data is retained, protected and PVs locked in compliance mode for five years, purged no earlier', () => {
    const prod = settingsFromContext(context({ stage: 'prod' }));
    expect(prod.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(prod.deletionProtection).toBe(true);
    expect(prod.pvObjectLockMode).toBe('COMPLIANCE');
    expect(prod.pvRetention.toDays()).toBe(1825);
    expect(prod.pvPurgeAfter.toDays()).toBeGreaterThanOrEqual(prod.pvRetention.toDays());
  });

  it('given dev, when the settings are read, then the stack can be destroyed and PVs are locked in governance mode', () => {
    const dev = settingsFromContext(context({ stage: 'dev' }));
    expect(dev.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(dev.deletionProtection).toBe(false);
    expect(dev.pvObjectLockMode).toBe('GOVERNANCE');
  });

  it('given a mail domain and a retention in the context, when the settings are read, then the sender and the retention follow them', () => {
    const dev = settingsFromContext(context({ stage: 'dev', mailDomain: 'mail.example.fr', pvRetentionDays: '30' }));
    expect(dev.mailFrom).toBe('ne-pas-repondre@mail.example.fr');
    expect(dev.pvRetention.toDays()).toBe(30);
    expect(dev.pvPurgeAfter.toDays()).toBe(30);
  });

  it("given no retention in the context, when the settings are read, then each stage carries the purge's periods (quarantine 30 days in prod, 7 in dev), valid for the purge's own schema", () => {
    const prod = settingsFromContext(context({ stage: 'prod' }));
    const dev = settingsFromContext(context({ stage: 'dev' }));
    expect(prod.retention).toEqual({ personalDataDays: 730, pvDays: 1825, quarantineDays: 30, catchUpDays: 31 });
    expect(dev.retention).toEqual({ personalDataDays: 730, pvDays: dev.pvPurgeAfter.toDays(), quarantineDays: 7, catchUpDays: 31 });
    for (const settings of [prod, dev]) expect(retentionSettingsOf(settings.retention)).toEqual(settings.retention);
  });

  it('given quarantineRetentionDays in the context, when the settings are read, then the quarantine period follows it; zero, a fraction or a word is refused naming the key', () => {
    expect(settingsFromContext(context({ stage: 'prod', quarantineRetentionDays: '45' })).retention.quarantineDays).toBe(45);
    expect(settingsFromContext(context({ stage: 'prod', pvRetentionDays: '2000' })).retention.pvDays).toBe(2000);
    for (const bad of ['0', '1.5', 'trente']) {
      expect(() => settingsFromContext(context({ stage: 'dev', quarantineRetentionDays: bad })), bad).toThrow(/quarantineRetentionDays/);
    }
  });
});
