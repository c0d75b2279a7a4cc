/* The appearance step: colour, fonts and wallpaper in /etc/zion/appearance.ini for the session
 * inside the desktop to read. */
#include "layer-internal.h"

gboolean zion_layer_apply_appearance(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_key_file_set_string(file, "appearance", "color", persona->appearance.color);
	g_key_file_set_string(file, "appearance", "interface-font",
			      persona->appearance.interface_font);
	g_key_file_set_string(file, "appearance", "monospace-font",
			      persona->appearance.monospace_font);
	g_key_file_set_integer(file, "appearance", "font-size",
			       (gint)persona->appearance.font_size);
	if (persona->appearance.wallpaper)
		g_key_file_set_string(file, "appearance", "wallpaper",
				      persona->appearance.wallpaper);
	g_autofree char *text = g_key_file_to_data(file, NULL, NULL);
	zion_layer_log(build, "  colour %s, fonts %s / %s %u", persona->appearance.color,
		       persona->appearance.interface_font, persona->appearance.monospace_font,
		       persona->appearance.font_size);
	return zion_layer_write(build, "/etc/zion/appearance.ini", text, 0644, 0, 0, error);
}
