/* NAT addresses as lease files: the lowest free one, the same one again for the same desktop,
 * given back on release, none twice, a full network refused, and one from an old network
 * replaced. Bridge addresses that are not a private IPv4 gateway are refused. */
#include <string.h>

#include "network-bridge.h"
#include "network-lease.h"
#include "zion-error.h"
#include "zion-test.h"

static char *take(const char *dir, const char *network, const char *desktop)
{
	g_autoptr(GError) error = NULL;
	char *address = zion_lease_take(dir, network, desktop, &error);
	g_assert_no_error(error);
	return address;
}

static void test_leases(void)
{
	g_autofree char *dir = g_build_filename(zt_temp_dir(), "leases", NULL);
	g_autofree char *a = take(dir, "10.88.0.1/24", "a");
	g_autofree char *b = take(dir, "10.88.0.1/24", "b");
	g_autofree char *a_again = take(dir, "10.88.0.1/24", "a");
	g_assert_cmpstr(a, ==, "10.88.0.2/24");
	g_assert_cmpstr(b, ==, "10.88.0.3/24");
	g_assert_cmpstr(a_again, ==, a);
	g_autofree char *file = g_build_filename(dir, "10.88.0.3", NULL);
	g_autofree char *holder = NULL;
	g_assert_true(g_file_get_contents(file, &holder, NULL, NULL));
	g_assert_cmpstr(holder, ==, "b\n");

	g_autoptr(GError) error = NULL;
	g_assert_true(zion_lease_release(dir, "a", &error));
	g_autofree char *c = take(dir, "10.88.0.1/24", "c");
	g_assert_cmpstr(c, ==, "10.88.0.2/24");

	/* The gateway is never handed out, wherever it lies in the network. */
	g_autofree char *d = take(dir, "10.88.0.4/24", "d");
	g_assert_cmpstr(d, ==, "10.88.0.1/24");
	g_autofree char *e = take(dir, "10.88.0.4/24", "e");
	g_assert_cmpstr(e, ==, "10.88.0.5/24");

	/* A /30 holds the gateway and one desktop. */
	g_autofree char *small = g_build_filename(zt_temp_dir(), "small", NULL);
	g_autofree char *only = take(small, "192.168.7.1/30", "only");
	g_assert_cmpstr(only, ==, "192.168.7.2/30");
	g_assert_null(zion_lease_take(small, "192.168.7.1/30", "more", &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_BUSY);
	g_assert_nonnull(strstr(error->message, "no free address left in 192.168.7.1/30"));
	g_clear_error(&error);

	/* The bridge moved to another network: the desktop's old lease goes, a new one comes. */
	g_autofree char *moved = take(small, "172.20.0.1/24", "only");
	g_assert_cmpstr(moved, ==, "172.20.0.2/24");
	g_autofree char *old = g_build_filename(small, "192.168.7.2", NULL);
	g_assert_false(g_file_test(old, G_FILE_TEST_EXISTS));
}

static void test_bridge_addresses(void)
{
	const char *refused[] = { "8.8.8.1/24",	   "10.88.0.1",	 "10.88.0.1/8", "10.88.0.1/31",
				  "10.88.0.1/24x", "fd00::1/64", "zion",	NULL };
	for (guint i = 0; refused[i]; i++) {
		g_autoptr(GError) error = NULL;
		guint32 gateway;
		guint length;
		g_assert_false(zion_bridge_parse_address(refused[i], &gateway, &length, &error));
		g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
		g_assert_nonnull(strstr(error->message, refused[i]));
	}
	guint32 gateway;
	guint length;
	g_assert_true(zion_bridge_parse_address("10.88.0.1/24", &gateway, &length, NULL));
	g_assert_cmpuint(length, ==, 24);
	g_autofree char *text = zion_bridge_format_address(gateway);
	g_assert_cmpstr(text, ==, "10.88.0.1");
	const char *bad_names[] = { "", "Zion0", "zion-0", "a234567890123456", NULL };
	for (guint i = 0; bad_names[i]; i++)
		g_assert_false(zion_bridge_check_name(bad_names[i], NULL));
	g_assert_true(zion_bridge_check_name("zion0", NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/network/leases", test_leases);
	g_test_add_func("/network/bridge-addresses", test_bridge_addresses);
	return g_test_run();
}
