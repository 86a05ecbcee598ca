/* fwtest_protocol.h: what the Linux guest's test program (tb/qemu/guest/fwtest.c) and the
 * co-simulated peer node in ohci-qemu (sim/qemu/) agree on: channels, packet counts, payload
 * lengths and bytes, and the console lines the guest prints.
 *
 * C99 and C++20 both compile it (the guest program is a static C binary built against
 * linux/firewire-cdev.h; the peer is C++ in the simulator), so it holds only constants and
 * static inline functions of fixed-width integers.
 *
 * Streams (both at S400, tag 1, sy 0):
 *   - guest -> peer: the guest transmits FWTEST_IT_PACKETS packets on FWTEST_IT_CHANNEL through
 *     an IT context of /dev/fw0, an interrupt packet every FWTEST_IT_INTERRUPT_EVERY; the peer
 *     node listens on that channel and checks every byte;
 *   - peer -> guest: the peer talks continuously on FWTEST_IR_CHANNEL; the guest receives at
 *     least FWTEST_IR_PACKETS consecutive packets through an IR context and checks every byte.
 * Packet n of a stream (n counts from 0 per stream) has fwtest_length(stream, n) payload
 * bytes; bytes 0-3 are n, most significant byte first (so a receiver that joins late knows
 * where it is), byte k >= 4 is fwtest_byte(stream, n, k).
 */
#ifndef OHCI_FWTEST_PROTOCOL_H
#define OHCI_FWTEST_PROTOCOL_H

#include <stdint.h>

#define FWTEST_IT_CHANNEL 5u /* guest transmits, peer receives */
#define FWTEST_IR_CHANNEL 6u /* peer transmits, guest receives */
#define FWTEST_TAG 1u
#define FWTEST_SY 0u
#define FWTEST_IT_PACKETS 256u
#define FWTEST_IT_INTERRUPT_EVERY 8u /* packets 7, 15, 23, ... carry the interrupt bit */
#define FWTEST_IR_PACKETS 200u
#define FWTEST_MAX_PAYLOAD 1024u

#define FWTEST_STREAM_IT 0u /* guest -> peer */
#define FWTEST_STREAM_IR 1u /* peer -> guest */

/* Payload bytes of packet n: a multiple of 4 from 8 to FWTEST_MAX_PAYLOAD, varying so that
 * packets laid out back to back in a page-aligned buffer cross page boundaries. */
static inline uint32_t fwtest_length(uint32_t stream, uint32_t n) {
  return 8u + 4u * ((n * 37u + stream * 101u) % 255u);
}

/* Byte k (k >= 4) of packet n's payload. */
static inline uint8_t fwtest_byte(uint32_t stream, uint32_t n, uint32_t k) {
  return (uint8_t)(n * 31u + k * 7u + stream * 0x55u + 0x5Au);
}

/* Byte k of packet n, sequence number included. */
static inline uint8_t fwtest_payload_byte(uint32_t stream, uint32_t n, uint32_t k) {
  return k < 4u ? (uint8_t)(n >> (24u - 8u * k)) : fwtest_byte(stream, n, k);
}

/* Console lines the guest prints, one per line, each starting with "FWTEST ":
 *   FWTEST INFO guid=0x<16 hex> node_id=0x<4 hex> generation=<g> uptime=<seconds>
 *   FWTEST IT-IRQ seq=<n> cycle=<c>      one per ISO_INTERRUPT: n = index of the packet that
 *                                        carried the interrupt, c = its cycle (the event's
 *                                        cycle field: cycleSeconds[2:0]:cycleCount[12:0])
 *   FWTEST IT DONE packets=<n> interrupts=<m> uptime=<seconds>
 *   FWTEST IR DONE packets=<n> bytes=<b> mismatches=<m> first_seq=<s> uptime=<seconds>
 *   FWTEST IR MISMATCH seq=<n> offset=<k> got=0x<hh> want=0x<hh>   (at most a few)
 *   FWTEST STOP ok                        contexts stopped and /dev/fw0 closed
 *   FWTEST RESULT PASS | FWTEST RESULT FAIL <reason>
 */
#define FWTEST_LINE_PREFIX "FWTEST "

#endif /* OHCI_FWTEST_PROTOCOL_H */
