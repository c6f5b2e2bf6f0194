/**
 * Finding categories. Cyber categories follow the MITRE ATT&CK enterprise tactics (collection
 * and exfiltration share one bucket because requests rarely separate them); the rest cover
 * non-cyber harm, attacks on the model itself, and the pipeline's own conditions.
 * Rule packs, the classifier and the policy all use these names.
 */
export const CATEGORIES = {
  'cyber.initial_access': { tactics: ['TA0001'], description: 'Gaining a foothold: exploiting public-facing apps, drive-by, malicious documents' },
  'cyber.execution': { tactics: ['TA0002'], description: 'Running attacker code: droppers, loaders, malicious scripts' },
  'cyber.persistence': { tactics: ['TA0003'], description: 'Surviving reboots and removal: rootkits, implants, autoruns' },
  'cyber.privilege_escalation': { tactics: ['TA0004'], description: 'Gaining higher privileges on systems the requester does not own' },
  'cyber.defense_evasion': { tactics: ['TA0005'], description: 'Evading AV/EDR and logging: obfuscation, crypters, process hiding' },
  'cyber.credential_access': { tactics: ['TA0006'], description: 'Stealing credentials: stealers, keyloggers, dumping, cracking others\' passwords' },
  'cyber.discovery': { tactics: ['TA0007'], description: 'Covert reconnaissance of systems the requester does not own' },
  'cyber.lateral_movement': { tactics: ['TA0008'], description: 'Spreading between hosts: worms, pass-the-hash' },
  'cyber.collection_exfiltration': { tactics: ['TA0009', 'TA0010'], description: 'Covertly collecting and exfiltrating data: spyware, screen capture, staging' },
  'cyber.command_and_control': { tactics: ['TA0011'], description: 'Botnets, RATs, C2 channels' },
  'cyber.impact': { tactics: ['TA0040'], description: 'Ransomware, wipers, destruction, defacement' },
  phishing: { tactics: ['TA0001'], description: 'Phishing kits, credential-harvesting pages, social-engineering lures' },
  dos: { tactics: ['TA0040'], description: 'Denial-of-service tooling and booter services' },
  'harm.other': { tactics: [], description: 'Other operational harm (weapons, fraud) outside the cyber taxonomy' },
  jailbreak: { tactics: [], description: 'Attempts to remove the model\'s safeguards: personas, DAN-style templates' },
  prompt_injection: { tactics: [], description: 'Instructions smuggled in to override the system prompt or hijack tools' },
  uncertain: { tactics: [], description: 'The classifier cannot vouch for the request: a risk score in its uncertain band, or input unlike its training data (out of distribution)' },
  obfuscation: { tactics: [], description: 'Hidden or encoded text: invisible characters, bidi controls, encoded payloads' },
  limit: { tactics: [], description: 'A request limit was exceeded (message count, prompt length)' },
  layer_error: { tactics: [], description: 'A safeguard layer failed or ran past its budget (fail-closed)' },
} as const satisfies Record<string, { tactics: readonly string[]; description: string }>;

export type Category = keyof typeof CATEGORIES;

export function isCategory(value: string): value is Category {
  return Object.hasOwn(CATEGORIES, value);
}
