import { describe, expect, it } from 'vitest';
import { findSecrets, maskSecrets } from './find-secrets.js';

const kinds = (text: string) => findSecrets(text).map((m) => m.kind);

describe('findSecrets', () => {
  it.each([
    ['aws-access-key-id', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    ['aws-secret-access-key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['private-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----'],
    ['github-token', 'token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB'],
    ['slack-token', 'SLACK=xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx'],
    ['slack-webhook', 'post to https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx'],
    ['stripe-key', 'stripe.api_key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"'],
    ['stripe-test-key', 'key sk_test_4eC39HqLyjWDarjtT1zdp7dc'],
    ['openai-style-key', 'OPENAI_API_KEY=sk-proj-abcDEF1234567890ghiJKL'],
    ['google-api-key', 'key=AIzaSyA1234567890abcdefghijklmnopqrstuv'],
    ['jwt', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
    ['generic-secret-assignment', 'client_secret: "9f8e7d6c5b4a3f2e1d0c9b8a7"'],
    ['email', 'write to jane.doe@acme-corp.io today'],
    ['credit-card', 'card 4111 1111 1111 1111 exp 12/29'],
    ['iban', 'IBAN GB82 WEST 1234 5698 7654 32'],
    ['us-ssn', 'SSN 123-45-6789'],
    ['phone-number', 'call +1 415 555 0100 or (415) 555-0199'],
  ])('finds %s', (kind, text) => {
    expect(kinds(text)).toContain(kind);
  });

  it.each([
    ['arithmetic', 'Janet sells 16 eggs for $2 each: 16 * 2 = 32, and 1234 5678 9012 3456 is a sum'],
    ['a card number failing Luhn', 'card 4111 1111 1111 1112'],
    ['an IBAN with a bad checksum', 'IBAN GB82 WEST 1234 5698 7654 33'],
    ['reserved example domains', 'mail alice@example.com, bob@test, ops@service.example'],
    ['a low-entropy password', 'password = "passwordpassword1"'],
    ['a package name that looks like a key prefix', 'pip install sk-learn-compatible-estimators-package'],
    ['dates and versions', 'released 2023-10-05, version 1.2.3-456, ISBN 978-3-16-148410-0'],
    ['an SSN-shaped invalid number', 'id 000-12-3456 and 666-12-3456'],
  ])('ignores %s', (_name, text) => {
    expect(findSecrets(text)).toEqual([]);
  });

  it('grades and previews matches without their value, and masks them in text', () => {
    const text = 'deploy with AKIAIOSFODNN7EXAMPLE now';
    const [match] = findSecrets(text);
    expect(match).toMatchObject({ check: 'secret', severity: 'high', preview: 'AKIA… (20 chars)' });
    expect(maskSecrets(text, findSecrets(text))).toBe('deploy with [aws-access-key-id] now');
    expect(findSecrets('mail jane@acme.io')[0]).toMatchObject({ check: 'pii', severity: 'medium' });
  });

  it('masks a whole PEM block, key material included', () => {
    const text = 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----\nend';
    expect(maskSecrets(text, findSecrets(text))).toBe('key:\n[private-key]\nend');
  });

  it('stays linear on long hostile input', () => {
    const started = performance.now();
    findSecrets(`${'a'.repeat(200_000)}@${'b-'.repeat(50_000)}`);
    findSecrets(`-----BEGIN RSA PRIVATE KEY-----${'A'.repeat(200_000)}`);
    findSecrets('1 '.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
