/*
 * A preload library that counts the frames a wlroots 0.15 compositor commits, so the benchmark can
 * count them the same way in zion-compositor and in sway. It wraps wlr_output_commit (libwlroots
 * calls it through its PLT too, so wlr_scene's commits pass here) and adds one, for every
 * successful commit that carries a buffer, to a 64-bit counter in the file named by
 * ZION_BENCH_FRAMES, which the benchmark maps and reads while the compositor runs.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wlr/types/wlr_output.h>

bool wlr_output_commit(struct wlr_output *output);

static uint64_t *counter;
static bool (*real_commit)(struct wlr_output *output);

__attribute__((constructor)) static void open_counter(void)
{
	real_commit = (bool (*)(struct wlr_output *))dlsym(RTLD_NEXT, "wlr_output_commit");
	const char *path = getenv("ZION_BENCH_FRAMES");
	if (!path)
		return;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	void *map = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map != MAP_FAILED)
		counter = map;
}

bool wlr_output_commit(struct wlr_output *output)
{
	bool with_buffer = output->pending.committed & WLR_OUTPUT_STATE_BUFFER;
	bool committed = real_commit(output);
	if (committed && with_buffer && counter)
		__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	return committed;
}
