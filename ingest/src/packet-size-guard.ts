/**
 * Reads the MQTT fixed header of every packet on a connection as the bytes arrive and reports the
 * first one that declares more than `maxBytes`, before its body is buffered: aedes would otherwise
 * collect a declared 256 MB packet in memory, even from a client that has not logged in.
 * The packet is refused as soon as the length bytes read so far pass the limit, so `onTooLarge`
 * gets a lower bound of the declared size (or `malformed` for a length longer than four bytes).
 * Returns the function to call with each chunk received; it returns false once the limit is passed.
 */
export function packetSizeGuard(maxBytes: number, onTooLarge: (declaredAtLeast: number | 'malformed') => void): (chunk: Buffer) => boolean {
  let bodyLeft = 0;
  let readingLength = false;
  let length = 0;
  let multiplier = 1;
  let refused = false;
  return (chunk) => {
    if (refused) return false;
    let i = 0;
    while (i < chunk.length) {
      if (bodyLeft > 0) {
        const taken = Math.min(bodyLeft, chunk.length - i);
        bodyLeft -= taken;
        i += taken;
        continue;
      }
      const byte = chunk[i++];
      if (!readingLength) {
        // The first byte names the packet type; the remaining length follows (MQTT 3.1.1 §2.2.3).
        readingLength = true;
        length = 0;
        multiplier = 1;
        continue;
      }
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      const more = (byte & 0x80) !== 0;
      if (length > maxBytes || (more && multiplier > 128 ** 3)) {
        refused = true;
        onTooLarge(length > maxBytes ? length : 'malformed');
        return false;
      }
      if (!more) {
        readingLength = false;
        bodyLeft = length;
      }
    }
    return true;
  };
}
