/* fwtest.c: the guest half of the "unmodified Linux firewire-ohci drives our RTL" test.
 *
 * It runs from the guest's /init after firewire-ohci has been loaded, and talks to the card only
 * through the firewire character device ABI (/dev/fw0, linux/firewire-cdev.h), exactly as any
 * user program would:
 *   1. waits for /dev/fw0, reads its config ROM and the bus state, lets the bus settle;
 *   2. transmits FWTEST_IT_PACKETS packets on FWTEST_IT_CHANNEL through an IT context and checks
 *      every ISO_INTERRUPT event (one per FWTEST_IT_INTERRUPT_EVERY packets);
 *   3. receives at least FWTEST_IR_PACKETS packets of the peer's stream on FWTEST_IR_CHANNEL
 *      through an IR context and checks every header field and payload byte;
 *   4. stops and closes everything and prints the verdict.
 * What it prints is the console line protocol of sim/qemu/fwtest_protocol.h (plus a few
 * informational FWTEST lines, see docs/linux-guest.md). Every wait is bounded; every failure
 * ends in "FWTEST RESULT FAIL <reason>". Exit status: 0 pass, 1 fail.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/firewire-cdev.h>
#include <linux/firewire-constants.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../../sim/qemu/fwtest_protocol.h"

#define DEVICE "/dev/fw0"
#define DEVICE_WAIT_MS 30000  /* firewire-ohci creates fw0 about 1 s after insmod */
#define SETTLE_QUIET_MS 2000  /* the bus is settled after this long without a bus reset */
#define SETTLE_MAX_MS 15000   /* ... and if it never settles, that is a failure */
#define IT_TIMEOUT_MS 30000   /* all IT interrupts must arrive within this */
#define IR_TIMEOUT_MS 30000   /* all IR buffers must be filled within this */
#define IR_SPARE_PACKETS 56u  /* queued beyond FWTEST_IR_PACKETS, so a late start still fits */
#define IR_INTERRUPT_EVERY 8u /* an IR event per this many packet buffers */
#define IR_HEADER_SIZE 8u     /* per packet: the iso header quadlet and the timestamp */
#define MAX_MISMATCH_LINES 5  /* MISMATCH/BAD lines printed at most, per check */
#define ABI_VERSION 5         /* the cdev ABI this program is written for */
#define CLOSURE_IT 0x17u      /* closure values tell the events of the two contexts apart */
#define CLOSURE_IR 0x18u
#define CLOSURE_BUS 0x19u
#define CYCLES_PER_SECOND 8000u
#define PAGE 4096u

#define IT_INTERRUPTS (FWTEST_IT_PACKETS / FWTEST_IT_INTERRUPT_EVERY)
#define IR_BUFFERS (FWTEST_IR_PACKETS + IR_SPARE_PACKETS)

/* One event as read(2) returns it: the largest is an iso interrupt whose header holds at most
 * a page of headers (the kernel flushes before it overflows, ABI >= 5). */
union event {
  struct fw_cdev_event_common common;
  struct fw_cdev_event_bus_reset bus_reset;
  struct fw_cdev_event_iso_interrupt iso;
  uint8_t raw[2 * PAGE + 64];
};

/* ---------------------------------------------------------------------------------------------
 * Output and failure bookkeeping. The first failure's reason becomes the RESULT line. */

static char fail_reason[256];
static const char* phase; /* "IT" or "IR" while that check runs: the prefix of its failures */
static bool stop_failed;  /* a STOP_ISO or close failed: no "STOP ok" */

static void line(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs(FWTEST_LINE_PREFIX, stdout);
  vprintf(fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout); /* the console must show a line as soon as it happens */
}

/* Records a failure (the first one is kept for the RESULT line) and returns false. */
static bool fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static bool fail(const char* fmt, ...) {
  char reason[sizeof fail_reason];
  va_list ap;
  int prefix = phase ? snprintf(reason, sizeof reason, "%s: ", phase) : 0;
  va_start(ap, fmt);
  vsnprintf(reason + prefix, sizeof reason - (size_t)prefix, fmt, ap);
  va_end(ap);
  line("FAIL %s", reason);
  if (!fail_reason[0]) snprintf(fail_reason, sizeof fail_reason, "%s", reason);
  return false;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Guest uptime as /proc/uptime has it ("12.34"), so lines can be placed on the kernel's clock. */
static const char* uptime(void) {
  static char text[32];
  FILE* f = fopen("/proc/uptime", "r");
  if (!f || !fgets(text, sizeof text, f)) snprintf(text, sizeof text, "?");
  if (f) fclose(f);
  text[strcspn(text, " \n")] = 0;
  return text;
}

/* ---------------------------------------------------------------------------------------------
 * Events: poll(2) with a deadline, then one read(2) gives one whole event. */

/* Returns the event's size, 0 when the deadline passed first, -1 on an error. */
static ssize_t read_event(int fd, union event* ev, int64_t deadline_ms) {
  for (;;) {
    int64_t left = deadline_ms - now_ms();
    if (left < 0) left = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, (int)left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) return 0;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
      errno = EIO;
      return -1;
    }
    ssize_t got = read(fd, ev, sizeof *ev);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got >= 0 && (size_t)got < sizeof ev->common) {
      errno = EPROTO;
      return -1;
    }
    return got;
  }
}

/* ---------------------------------------------------------------------------------------------
 * The device: every iso context needs an fd of its own (one context per fd), and every fd
 * announces the ABI version it speaks with GET_INFO first, since the kernel's behaviour depends
 * on it (e.g. ABI >= 5 flushes iso headers instead of dropping them). */

struct bus_state {
  uint64_t guid;
  uint32_t node_id;
  uint32_t generation;
  uint32_t kernel_abi;
};

static bool get_info(int fd, struct bus_state* st) {
  uint32_t rom[256] = {0};
  struct fw_cdev_event_bus_reset reset = {0};
  struct fw_cdev_get_info info = {
      .version = ABI_VERSION,
      .rom_length = sizeof rom,
      .rom = (uint64_t)(uintptr_t)rom,
      .bus_reset = (uint64_t)(uintptr_t)&reset,
      .bus_reset_closure = CLOSURE_BUS,
  };
  if (ioctl(fd, FW_CDEV_IOC_GET_INFO, &info) < 0)
    return fail("FW_CDEV_IOC_GET_INFO: %s", strerror(errno));
  if (info.version < 4) return fail("kernel firewire-cdev ABI %u, want 4 or newer", info.version);
  /* The bus info block: quadlet 0 header, 1 "1394", 2 bus options, 3-4 the GUID. The kernel
   * hands the ROM over as host-order quadlets. */
  if (info.rom_length < 5 * 4) return fail("config ROM of %u bytes has no GUID", info.rom_length);
  if (rom[1] != 0x31333934u) return fail("config ROM quadlet 1 is 0x%08x, not \"1394\"", rom[1]);
  st->guid = (uint64_t)rom[3] << 32 | rom[4];
  st->node_id = reset.node_id;
  st->generation = reset.generation;
  st->kernel_abi = info.version;
  return true;
}

/* Waits (bounded) until the device node appears and opens; returns the fd or -1. */
static int open_device_waiting(void) {
  int64_t deadline = now_ms() + DEVICE_WAIT_MS;
  int last_errno = 0;
  do {
    int fd = open(DEVICE, O_RDWR | O_CLOEXEC);
    if (fd >= 0) return fd;
    last_errno = errno;
    usleep(100 * 1000);
  } while (now_ms() < deadline);
  fail("no " DEVICE " after %d s (%s): firewire-ohci did not bring the card up",
       DEVICE_WAIT_MS / 1000, strerror(last_errno));
  return -1;
}

static int open_device(struct bus_state* st) {
  int fd = open(DEVICE, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fail("open " DEVICE ": %s", strerror(errno));
    return -1;
  }
  if (!get_info(fd, st)) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Linux resets the bus a few times while it brings a card up (the PHY config, the bus manager
 * election); streams started in between would be torn. So: wait until no bus-reset event has
 * come for SETTLE_QUIET_MS. GET_INFO started the bus-reset events on this fd. */
static bool settle_bus(int fd, unsigned* resets) {
  int64_t give_up = now_ms() + SETTLE_MAX_MS;
  union event ev;
  *resets = 0;
  for (;;) {
    int64_t quiet_until = now_ms() + SETTLE_QUIET_MS;
    bool capped = give_up < quiet_until;
    ssize_t got = read_event(fd, &ev, capped ? give_up : quiet_until);
    if (got < 0) return fail("reading " DEVICE " events: %s", strerror(errno));
    if (got == 0 && !capped) return true; /* quiet for SETTLE_QUIET_MS */
    if (got == 0)
      return fail("the bus did not settle within %d s (%u bus resets)", SETTLE_MAX_MS / 1000,
                  *resets);
    if (ev.common.type == FW_CDEV_EVENT_BUS_RESET) ++*resets;
  }
}

static bool create_context(int fd, uint32_t type, uint32_t channel, uint32_t header_size,
                           uint64_t closure, uint32_t* handle) {
  struct fw_cdev_create_iso_context c = {
      .type = type,
      .header_size = header_size,
      .channel = channel,
      .speed = SCODE_400,
      .closure = closure,
  };
  if (ioctl(fd, FW_CDEV_IOC_CREATE_ISO_CONTEXT, &c) < 0)
    return fail("CREATE_ISO_CONTEXT(%s, channel %u): %s", type ? "receive" : "transmit", channel,
                strerror(errno));
  *handle = c.handle;
  return true;
}

/* The iso buffer is the kernel's (mmap of the cdev fd); its size must be whole pages. */
static uint8_t* map_buffer(int fd, size_t size) {
  void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    fail("mmap of a %zu-byte iso buffer: %s", size, strerror(errno));
    return NULL;
  }
  return p;
}

/* QUEUE_ISO may queue fewer packets than asked (it writes back how far it got), so it is
 * called until the whole array is in. */
static bool queue_all(int fd, uint32_t handle, const uint32_t* controls, size_t count,
                      uint8_t* data) {
  struct fw_cdev_queue_iso q = {
      .packets = (uint64_t)(uintptr_t)controls,
      .data = (uint64_t)(uintptr_t)data,
      .size = (uint32_t)(count * sizeof *controls),
      .handle = handle,
  };
  for (int calls = 0; q.size > 0; ++calls) {
    uint32_t before = q.size;
    if (ioctl(fd, FW_CDEV_IOC_QUEUE_ISO, &q) < 0)
      return fail("QUEUE_ISO (%zu packets left): %s", q.size / sizeof *controls, strerror(errno));
    if (q.size == before || calls > 64)
      return fail("QUEUE_ISO takes no more packets (%zu left)", q.size / sizeof *controls);
  }
  return true;
}

static bool start_iso(int fd, uint32_t handle, uint32_t tags) {
  struct fw_cdev_start_iso s = {.cycle = -1, .sync = 0, .tags = tags, .handle = handle};
  if (ioctl(fd, FW_CDEV_IOC_START_ISO, &s) < 0) return fail("START_ISO: %s", strerror(errno));
  return true;
}

static bool stop_iso(int fd, uint32_t handle) {
  struct fw_cdev_stop_iso s = {.handle = handle};
  if (ioctl(fd, FW_CDEV_IOC_STOP_ISO, &s) < 0) {
    stop_failed = true;
    return fail("STOP_ISO: %s", strerror(errno));
  }
  return true;
}

/* Closing a context's fd is what destroys the context (the ABI has no destroy ioctl). */
static bool close_device(int fd) {
  if (close(fd) == 0) return true;
  stop_failed = true;
  return fail("close " DEVICE ": %s", strerror(errno));
}

/* A 16-bit cycle stamp (cycleSeconds[2:0]:cycleCount[12:0]) one cycle later. */
static uint32_t next_cycle(uint32_t c) {
  uint32_t sec = c >> 13 & 7, count = c & 0x1fff;
  if (++count == CYCLES_PER_SECOND) count = 0, sec = (sec + 1) & 7;
  return sec << 13 | count;
}

/* ---------------------------------------------------------------------------------------------
 * 2. Isochronous transmit. */

struct it_result {
  unsigned packets;    /* packets the events reported as sent */
  unsigned interrupts; /* ISO_INTERRUPT events */
  bool ok;
};

/* Lays the packets out back to back from the buffer's start (so some cross pages), returns the
 * payload bytes in total and fills in each packet's QUEUE_ISO control word. */
static size_t it_fill(uint8_t* buf, uint32_t* controls, unsigned* page_crossings) {
  size_t off = 0;
  *page_crossings = 0;
  for (uint32_t n = 0; n < FWTEST_IT_PACKETS; ++n) {
    uint32_t len = fwtest_length(FWTEST_STREAM_IT, n);
    for (uint32_t k = 0; k < len; ++k) buf[off + k] = fwtest_payload_byte(FWTEST_STREAM_IT, n, k);
    if (off / PAGE != (off + len - 1) / PAGE) ++*page_crossings;
    bool irq = (n + 1) % FWTEST_IT_INTERRUPT_EVERY == 0;
    controls[n] = FW_CDEV_ISO_PAYLOAD_LENGTH(len) | FW_CDEV_ISO_TAG(FWTEST_TAG) |
                  FW_CDEV_ISO_SY(FWTEST_SY) | (irq ? FW_CDEV_ISO_INTERRUPT : 0u);
    off += len;
  }
  return off;
}

static size_t it_buffer_size(void) {
  size_t total = 0;
  for (uint32_t n = 0; n < FWTEST_IT_PACKETS; ++n) total += fwtest_length(FWTEST_STREAM_IT, n);
  return (total + PAGE - 1) / PAGE * PAGE;
}

/* Checks one ISO_INTERRUPT of the IT context: it must come for the next interrupt packet, carry
 * one header quadlet (xferStatus << 16 | timeStamp, big endian) per packet completed since the
 * previous event, each with a non-zero xferStatus, time stamps one cycle apart, and the
 * event's cycle must be the interrupt packet's time stamp. */
static bool it_check_event(const struct fw_cdev_event_iso_interrupt* iso, struct it_result* r,
                           uint32_t* prev_stamp) {
  unsigned count = iso->header_length / 4;
  unsigned seq = r->packets + count - 1;
  bool ok = true;
  line("IT-IRQ seq=%u cycle=%u", seq, iso->cycle);
  if (iso->header_length % 4 || count != FWTEST_IT_INTERRUPT_EVERY)
    ok = fail("event %u: header_length %u, want %u (4 per packet since the last interrupt)",
              r->interrupts, iso->header_length, 4 * FWTEST_IT_INTERRUPT_EVERY);
  if (count == 0) return false;
  if (seq % FWTEST_IT_INTERRUPT_EVERY != FWTEST_IT_INTERRUPT_EVERY - 1)
    ok = fail("event %u ends at packet %u, which has no interrupt bit", r->interrupts, seq);
  for (unsigned i = 0; i < count; ++i) {
    uint32_t h = be32toh(iso->header[i]);
    uint32_t status = h >> 16, stamp = h & 0xffff;
    unsigned n = r->packets + i;
    if (status == 0 && ok)
      ok = fail("packet %u: xferStatus 0 (the descriptor was not completed)", n);
    if (status & 0x0800u && ok) ok = fail("packet %u: xferStatus 0x%04x has dead set", n, status);
    if (n > 0 && stamp != next_cycle(*prev_stamp) && ok)
      ok = fail("packet %u sent in cycle 0x%04x, packet %u in 0x%04x: not consecutive", n - 1,
                *prev_stamp, n, stamp);
    if (n == 0) line("IT FIRST xferStatus=0x%04x cycle=%u", status, stamp);
    *prev_stamp = stamp;
  }
  if ((be32toh(iso->header[count - 1]) & 0xffff) != iso->cycle && ok)
    ok = fail("event cycle %u is not its last packet's time stamp %u", iso->cycle,
              be32toh(iso->header[count - 1]) & 0xffff);
  r->packets += count;
  r->interrupts++;
  return ok;
}

static bool it_run(int fd, struct it_result* r) {
  union event ev;
  uint32_t prev_stamp = 0;
  unsigned resets = 0;
  int64_t deadline = now_ms() + IT_TIMEOUT_MS;
  bool ok = true;
  while (r->interrupts < IT_INTERRUPTS) {
    ssize_t got = read_event(fd, &ev, deadline);
    if (got < 0) return fail("reading events: %s", strerror(errno));
    if (got == 0)
      return fail("%u of %u interrupts (%u of %u packets) within %d s", r->interrupts,
                  IT_INTERRUPTS, r->packets, FWTEST_IT_PACKETS, IT_TIMEOUT_MS / 1000);
    if (ev.common.type == FW_CDEV_EVENT_BUS_RESET) {
      line("IT BUS-RESET generation=%u", ev.bus_reset.generation);
      ++resets;
      continue;
    }
    if (ev.common.type != FW_CDEV_EVENT_ISO_INTERRUPT || ev.common.closure != CLOSURE_IT)
      return fail("unexpected event type %u", ev.common.type);
    if ((size_t)got < sizeof ev.iso + ev.iso.header_length)
      return fail("event of %zd bytes, its header_length says %u", got, ev.iso.header_length);
    ok = it_check_event(&ev.iso, r, &prev_stamp) && ok;
    if (r->packets > FWTEST_IT_PACKETS)
      return fail("events report %u packets, only %u were queued", r->packets, FWTEST_IT_PACKETS);
  }
  if (resets) ok = fail("%u bus resets while streaming", resets);
  return ok;
}

static struct it_result it_check(void) {
  struct it_result r = {0, 0, false};
  struct bus_state st;
  static uint32_t controls[FWTEST_IT_PACKETS];
  uint32_t handle;
  unsigned crossings;
  size_t size = it_buffer_size();
  int fd = open_device(&st);
  if (fd < 0) return r;
  uint8_t* buf = NULL;
  bool ok =
      create_context(fd, FW_CDEV_ISO_CONTEXT_TRANSMIT, FWTEST_IT_CHANNEL, 0, CLOSURE_IT, &handle) &&
      (buf = map_buffer(fd, size)) != NULL;
  if (ok) {
    size_t bytes = it_fill(buf, controls, &crossings);
    line("IT QUEUED packets=%u bytes=%zu page_crossings=%u", FWTEST_IT_PACKETS, bytes, crossings);
    ok = queue_all(fd, handle, controls, FWTEST_IT_PACKETS, buf) && start_iso(fd, handle, 0);
    if (ok) {
      ok = it_run(fd, &r);
      ok = stop_iso(fd, handle) && ok;
    }
  }
  line("IT DONE packets=%u interrupts=%u uptime=%s", r.packets, r.interrupts, uptime());
  if (buf) munmap(buf, size);
  ok = close_device(fd) && ok;
  r.ok = ok;
  return r;
}

/* ---------------------------------------------------------------------------------------------
 * 3. Isochronous receive. */

struct ir_result {
  unsigned packets;
  unsigned long bytes;
  unsigned mismatches;
  uint32_t first_seq;
  uint32_t next_seq; /* the sequence number the next packet must carry */
  unsigned lines;    /* MISMATCH/BAD lines printed so far */
  bool ok;
};

static void ir_bad(struct ir_result* r, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static void ir_bad(struct ir_result* r, const char* fmt, ...) {
  char text[160];
  va_list ap;
  r->mismatches++;
  if (r->lines++ >= MAX_MISMATCH_LINES) return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  line("IR %s", text);
}

/* Checks one received packet: header quadlet (big endian in the event, as on the bus: data_length
 * 16, tag 2, channel 6, tcode 4, sy 4 bits), sequence, length and every payload byte. */
static void ir_check_packet(struct ir_result* r, uint32_t header, const uint8_t* payload) {
  uint32_t len = header >> 16, tag = header >> 14 & 3, ch = header >> 8 & 0x3f;
  uint32_t tcode = header >> 4 & 0xf, sy = header & 0xf;
  unsigned index = r->packets;
  if (tag != FWTEST_TAG || ch != FWTEST_IR_CHANNEL || tcode != TCODE_STREAM_DATA || sy != FWTEST_SY)
    ir_bad(r, "BAD packet=%u header=0x%08x: tag %u channel %u tcode 0x%x sy %u", index, header, tag,
           ch, tcode, sy);
  if (len < 4 || len > FWTEST_MAX_PAYLOAD) {
    ir_bad(r, "BAD packet=%u header=0x%08x: data_length %u", index, header, len);
    r->packets++;
    return;
  }
  uint32_t seq = (uint32_t)payload[0] << 24 | payload[1] << 16 | payload[2] << 8 | payload[3];
  if (index == 0) r->first_seq = seq;
  if (index > 0 && seq != r->next_seq)
    ir_bad(r, "BAD packet=%u seq=%u: want seq=%u (a packet lost or repeated)", index, seq,
           r->next_seq);
  r->next_seq = seq + 1;
  uint32_t want_len = fwtest_length(FWTEST_STREAM_IR, seq);
  if (len != want_len) ir_bad(r, "BAD seq=%u data_length=%u: want %u", seq, len, want_len);
  uint32_t check = len < want_len ? len : want_len;
  for (uint32_t k = 4; k < check; ++k) {
    uint8_t want = fwtest_payload_byte(FWTEST_STREAM_IR, seq, k);
    if (payload[k] != want)
      ir_bad(r, "MISMATCH seq=%u offset=%u got=0x%02x want=0x%02x", seq, k, payload[k], want);
  }
  r->packets++;
  r->bytes += len;
}

/* One ISO_INTERRUPT of the IR context: header_length / 8 packets, each giving the iso header
 * quadlet then the time stamp quadlet, both big endian; packet i of the run landed in packet
 * buffer i (FWTEST_MAX_PAYLOAD bytes each, packet-per-buffer). */
static bool ir_take_event(const struct fw_cdev_event_iso_interrupt* iso, const uint8_t* buf,
                          struct ir_result* r) {
  if (iso->header_length % IR_HEADER_SIZE)
    return fail("header_length %u is not a multiple of %u", iso->header_length, IR_HEADER_SIZE);
  unsigned count = iso->header_length / IR_HEADER_SIZE;
  if (r->packets + count > IR_BUFFERS)
    return fail("events report %u packets, only %u buffers were queued", r->packets + count,
                IR_BUFFERS);
  for (unsigned i = 0; i < count; ++i) {
    uint32_t header = be32toh(iso->header[2 * i]);
    if (r->packets == 0)
      line("IR FIRST header=0x%08x cycle=%u", header, be32toh(iso->header[2 * i + 1]) & 0xffff);
    ir_check_packet(r, header, buf + (size_t)r->packets * FWTEST_MAX_PAYLOAD);
  }
  return true;
}

static bool ir_run(int fd, uint32_t handle, const uint8_t* buf, struct ir_result* r) {
  union event ev;
  int64_t deadline = now_ms() + IR_TIMEOUT_MS;
  bool flushed = false;
  unsigned resets = 0;
  while (r->packets < IR_BUFFERS) {
    ssize_t got = read_event(fd, &ev, deadline);
    if (got < 0) return fail("reading events: %s", strerror(errno));
    if (got == 0) {
      if (flushed) break;
      /* The stream stopped (or is slow): FLUSH_ISO reports what completed since the last
       * interrupt; its event is ready to read when the ioctl returns. */
      struct fw_cdev_flush_iso f = {.handle = handle};
      if (ioctl(fd, FW_CDEV_IOC_FLUSH_ISO, &f) < 0) return fail("FLUSH_ISO: %s", strerror(errno));
      flushed = true;
      deadline = now_ms() + 500;
      continue;
    }
    if (ev.common.type == FW_CDEV_EVENT_BUS_RESET) {
      line("IR BUS-RESET generation=%u", ev.bus_reset.generation);
      ++resets;
      continue;
    }
    if (ev.common.type != FW_CDEV_EVENT_ISO_INTERRUPT || ev.common.closure != CLOSURE_IR)
      return fail("unexpected event type %u", ev.common.type);
    if ((size_t)got < sizeof ev.iso + ev.iso.header_length)
      return fail("event of %zd bytes, its header_length says %u", got, ev.iso.header_length);
    if (!ir_take_event(&ev.iso, buf, r)) return false;
  }
  bool ok = true;
  if (r->packets < FWTEST_IR_PACKETS)
    ok = fail("%u packets within %d s, want at least %u", r->packets, IR_TIMEOUT_MS / 1000,
              FWTEST_IR_PACKETS);
  if (r->mismatches) ok = fail("%u mismatches in %u packets", r->mismatches, r->packets);
  if (resets) ok = fail("%u bus resets while streaming", resets);
  return ok;
}

static struct ir_result ir_check(void) {
  struct ir_result r = {0};
  struct bus_state st;
  static uint32_t controls[IR_BUFFERS];
  uint32_t handle;
  size_t size = (size_t)IR_BUFFERS * FWTEST_MAX_PAYLOAD;
  int fd = open_device(&st);
  if (fd < 0) return r;
  uint8_t* buf = NULL;
  bool ok = create_context(fd, FW_CDEV_ISO_CONTEXT_RECEIVE, FWTEST_IR_CHANNEL, IR_HEADER_SIZE,
                           CLOSURE_IR, &handle) &&
            (buf = map_buffer(fd, size)) != NULL;
  if (ok) {
    /* Packet-per-buffer: each entry receives one packet (header_length = the context's
     * header_size) into FWTEST_MAX_PAYLOAD bytes of the buffer. */
    for (uint32_t i = 0; i < IR_BUFFERS; ++i)
      controls[i] = FW_CDEV_ISO_PAYLOAD_LENGTH(FWTEST_MAX_PAYLOAD) |
                    FW_CDEV_ISO_HEADER_LENGTH(IR_HEADER_SIZE) |
                    ((i + 1) % IR_INTERRUPT_EVERY == 0 ? FW_CDEV_ISO_INTERRUPT : 0u);
    ok = queue_all(fd, handle, controls, IR_BUFFERS, buf) &&
         start_iso(fd, handle, 1u << FWTEST_TAG); /* tags: a bit per accepted tag value */
    if (ok) {
      ok = ir_run(fd, handle, buf, &r);
      ok = stop_iso(fd, handle) && ok;
    }
  }
  line("IR DONE packets=%u bytes=%lu mismatches=%u first_seq=%u uptime=%s", r.packets, r.bytes,
       r.mismatches, r.first_seq, uptime());
  if (buf) munmap(buf, size);
  ok = close_device(fd) && ok;
  r.ok = ok;
  return r;
}

/* ---------------------------------------------------------------------------------------------
 * 1 and 4: the device, the bus, and the verdict. */

/* The controller has no asynchronous (AT/AR) DMA (README): a request the driver sends to the
 * peer node, such as firewire-core's read of its configuration ROM, is never completed, and a
 * card cannot be removed while one is pending. A bus reset makes the driver flush the AT
 * programs (their requests complete as RCODE_GENERATION; firewire-core retries only seconds
 * later), so the test resets the bus, waits for the reset and a short quiet, and only then lets
 * /init unload the modules. */
static bool reset_before_unload(int fd) {
  struct fw_cdev_initiate_bus_reset reset = {.type = FW_CDEV_SHORT_RESET};
  if (ioctl(fd, FW_CDEV_IOC_INITIATE_BUS_RESET, &reset) < 0)
    return fail("INITIATE_BUS_RESET: %s", strerror(errno));
  int64_t deadline = now_ms() + 10000;
  union event ev;
  for (;;) {
    ssize_t got = read_event(fd, &ev, deadline);
    if (got < 0) return fail("reading " DEVICE " events: %s", strerror(errno));
    if (got == 0) return fail("no bus reset within 10 s of INITIATE_BUS_RESET");
    if (ev.common.type == FW_CDEV_EVENT_BUS_RESET) {
      line("RESET generation=%u uptime=%s", ev.bus_reset.generation, uptime());
      break;
    }
  }
  unsigned resets = 0;
  return settle_bus(fd, &resets);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  line("START uptime=%s", uptime());
  int fd = open_device_waiting();
  struct bus_state st;
  bool ok = false, streamed = false;
  unsigned resets = 0;
  if (fd >= 0 && get_info(fd, &st) && settle_bus(fd, &resets) && get_info(fd, &st)) {
    line("INFO guid=0x%016llx node_id=0x%04x generation=%u uptime=%s", (unsigned long long)st.guid,
         st.node_id & 0xffff, st.generation, uptime());
    line("BUS abi=%u resets_while_settling=%u", st.kernel_abi, resets);
    phase = "IT";
    struct it_result it = it_check();
    phase = "IR";
    struct ir_result ir = ir_check(); /* runs even after an IT failure: more to diagnose from */
    phase = NULL;
    ok = it.ok && ir.ok;
    streamed = true;
    ok = reset_before_unload(fd) && ok;
  }
  if (fd >= 0) ok = close_device(fd) && ok;
  if (streamed && !stop_failed) line("STOP ok");
  if (ok && !fail_reason[0]) {
    line("RESULT PASS");
    return 0;
  }
  line("RESULT FAIL %s", fail_reason[0] ? fail_reason : "(no reason recorded)");
  return 1;
}
