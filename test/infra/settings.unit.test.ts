import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { settingsFromContext, StageContextError } from '../../infra/settings.js';
import { retentionSettingsSchema } from '../../shared/retention/purge.js';

const context = (values: Record<string, string>) => (key: string) => values[key];

describe('stage settings from the CDK context', () => {
  it('given no stage, when the settings are read, then a clear error names the stage key and the allowed values', () => {
    expect(() => settingsFromContext(context({}))).toThrow(StageContextError);
    expect(() => settingsFromContext(context({}))).toThrow(/stage.*dev, prod/);
  });

  it('given an unknown stage, when the settings are read, then it is refused', () => {
    expect(() => settingsFromContext(context({ stage: 'staging' }))).toThrow(/--context stage must be one of dev, prod/);
  });

  it('given a malformed mail domain or app URL, when the settings are read, then the offending key is named', () => {
    expect(() => settingsFromContext(context({ stage: 'dev', mailDomain: 'not a domain' }))).toThrow(/mailDomain/);
    expect(() => settingsFromContext(context({ stage: 'dev', appUrl: 'http://insecure.example.org' }))).toThrow(/appUrl/);
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

  it('given no retention in the context, when the settings are read, then each stage carries the purge\'s periods (quarantine 30 days in prod, 7 in dev), valid for the purge\'s own schema', () => {
    const prod = settingsFromContext(context({ stage: 'prod' }));
    const dev = settingsFromContext(context({ stage: 'dev' }));
    expect(prod.retention).toEqual({ personalDataDays: 730, pvDays: 1825, quarantineDays: 30, catchUpDays: 31 });
    expect(dev.retention).toEqual({ personalDataDays: 730, pvDays: dev.pvPurgeAfter.toDays(), quarantineDays: 7, catchUpDays: 31 });
    for (const settings of [prod, dev]) expect(retentionSettingsSchema.parse(settings.retention)).toEqual(settings.retention);
  });

  it('given quarantineRetentionDays in the context, when the settings are read, then the quarantine period follows it; zero, a fraction or a word is refused naming the key', () => {
    expect(settingsFromContext(context({ stage: 'prod', quarantineRetentionDays: '45' })).retention.quarantineDays).toBe(45);
    expect(settingsFromContext(context({ stage: 'prod', pvRetentionDays: '2000' })).retention.pvDays).toBe(2000);
    for (const bad of ['0', '1.5', 'trente']) {
      expect(() => settingsFromContext(context({ stage: 'dev', quarantineRetentionDays: bad })), bad).toThrow(/quarantineRetentionDays/);
    }
  });
});
