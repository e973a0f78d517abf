/*
 * ipvsadm for a jlvs director: the arguments go over the director's admin socket, which answers with ipvsadm's
 * output, messages and exit status. A small native client rather than the JVM, because ldirectord runs ipvsadm
 * two or three times for every change it makes and parses its listings: a process that starts in a millisecond
 * keeps its checks on time.
 *
 * The socket: $JLVS_ADMIN_SOCKET, else /run/jlvs/$JLVS_INSTANCE.sock (instance "default").
 * Framing (AdminProtocol.java): request = int32 count, then count strings (int32 length + UTF-8 bytes), all big
 * endian; reply = int32 exit status, then stdout and stderr as strings.
 *
 * -R reads standard input as ipvsadm's restore_table does: words between spaces, tabs and carriage returns, the
 * word "ipvsadm" left out, no comments; each line is one request, and a line the director answers with a status
 * of 256 or more (one where ipvsadm would exit) stops the restore with that status less 256.
 *
 * A director that cannot be reached is exit status 2, as ipvsadm's when it cannot initialise ipvs.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* AdminProtocol's limits: a request of at most MAX_ARGS strings of at most MAX_WORD bytes */
#define MAX_ARGS 256
#define MAX_WORD (64 * 1024)
#define RESTORE_STOPS 0x100
/* the status for a director that cannot be reached: ipvsadm's when it cannot initialise ipvs */
#define UNREACHABLE 2

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_int(int fd, uint32_t v)
{
    unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};
    return write_all(fd, b, 4);
}

static int read_int(int fd, int32_t *v)
{
    unsigned char b[4];
    if (read_all(fd, b, 4))
        return -1;
    *v = (int32_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
    return 0;
}

/* Copies one reply string to out as it arrives (a connection listing may be large); -1 on a broken reply. */
static int relay_string(int fd, FILE *out)
{
    int32_t len;
    if (read_int(fd, &len) || len < 0)
        return -1;
    char buf[65536];
    size_t left = (size_t)len;
    while (left > 0) {
        size_t n = left < sizeof(buf) ? left : sizeof(buf);
        if (read_all(fd, buf, n))
            return -1;
        fwrite(buf, 1, n, out);
        left -= n;
    }
    fflush(out);
    return 0;
}

static const char *socket_path(char *buf, size_t size)
{
    const char *env = getenv("JLVS_ADMIN_SOCKET");
    if (env && *env)
        return env;
    const char *instance = getenv("JLVS_INSTANCE");
    snprintf(buf, size, "/run/jlvs/%s.sock", instance && *instance ? instance : "default");
    return buf;
}

/*
 * One request: words[0..n) sent as they are; the reply's output relayed; its exit status. -1 when the director
 * cannot be reached (said on stderr), 1 when it broke off its answer.
 */
static int call(const char *path, char **words, int n)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "ipvsadm: admin socket path too long: %s\n", path);
        return -1;
    }
    if (n > MAX_ARGS) {
        fprintf(stderr, "ipvsadm: more than %d arguments\n", MAX_ARGS - 1);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        if (strlen(words[i]) > MAX_WORD) {
            fprintf(stderr, "ipvsadm: an argument longer than %d bytes\n", MAX_WORD);
            return 2;
        }
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
        if (errno == ENOENT)
            fprintf(stderr, "jlvs: no director is running here (no admin socket %s); start one with "
                "'jlvs director', or set JLVS_ADMIN_SOCKET\n", path);
        else
            fprintf(stderr, "jlvs: cannot reach the director at %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int bad = write_int(fd, (uint32_t)n);
    for (int i = 0; i < n && !bad; i++) {
        size_t len = strlen(words[i]);
        bad = write_int(fd, (uint32_t)len) || write_all(fd, words[i], len);
    }
    int32_t status = 1;
    if (bad || read_int(fd, &status) || relay_string(fd, stdout) || relay_string(fd, stderr)) {
        fprintf(stderr, "jlvs: the director at %s broke off its answer\n", path);
        status = 1;
    }
    close(fd);
    return status;
}

static int restore(const char *path)
{
    char *line = NULL;
    size_t cap = 0;
    long number = 0;
    int status = 0;
    char *words[MAX_ARGS];
    words[0] = "ipvsadm-restore-line";
    while (getline(&line, &cap, stdin) >= 0) {
        number++;
        int n = 1;
        for (char *w = strtok(line, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
            if (strcmp(w, "ipvsadm") == 0)
                continue;
            if (n >= MAX_ARGS) {
                fprintf(stderr, "ipvsadm: line %ld of its input has more than %d words\n", number, MAX_ARGS - 1);
                free(line);
                return 2;
            }
            words[n++] = w;
        }
        if (n == 1)
            continue;
        status = call(path, words, n);
        if (status < 0) {
            free(line);
            return UNREACHABLE;
        }
        if (status >= RESTORE_STOPS) {
            fprintf(stderr, "ipvsadm: restore stopped at line %ld of its input\n", number);
            free(line);
            return status - RESTORE_STOPS;
        }
    }
    free(line);
    return status;
}

int main(int argc, char **argv)
{
    char buf[sizeof(((struct sockaddr_un *)0)->sun_path) + 32];
    const char *path = socket_path(buf, sizeof(buf));
    signal(SIGPIPE, SIG_IGN); /* a director that closes early is an error to report, not a signal to die of */
    if (argc == 2 && (strcmp(argv[1], "-R") == 0 || strcmp(argv[1], "--restore") == 0))
        return restore(path);
    if (argc > MAX_ARGS) {
        fprintf(stderr, "ipvsadm: more than %d arguments\n", MAX_ARGS - 1);
        return 2;
    }
    char *words[MAX_ARGS];
    words[0] = "ipvsadm";
    for (int i = 1; i < argc; i++)
        words[i] = argv[i];
    int status = call(path, words, argc);
    return status < 0 ? UNREACHABLE : status;
}
