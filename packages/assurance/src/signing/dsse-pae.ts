/**
 * DSSE v1 Pre-Authentication Encoding: the exact bytes a DSSE signature covers.
 *
 * `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where LEN is the ASCII
 * decimal byte length (https://github.com/secure-systems-lab/dsse/blob/master/protocol.md). Binding
 * the payload type into the signed bytes stops a signature over one kind of document from being
 * replayed as another kind.
 *
 * @example
 * dssePae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()
 * // 'DSSEv1 29 http://example.com/HelloWorld 11 hello world'
 */
export function dssePae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
    type,
    Buffer.from(` ${payload.length} `, 'ascii'),
    payload,
  ]);
}
