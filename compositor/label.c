/* Text rendered by cairo and pango into a wlr_buffer the scene graph can show. */
#include "label.h"

#include <drm_fourcc.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <wlr/types/wlr_buffer.h>

/* A wlr_buffer whose pixels live in a cairo image surface (ARGB32 is DRM's ARGB8888). */
struct cairo_buffer {
	struct wlr_buffer base;
	cairo_surface_t *surface;
};

static void cairo_buffer_destroy(struct wlr_buffer *wlr_buffer)
{
	struct cairo_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	cairo_surface_destroy(buffer->surface);
	g_free(buffer);
}

static bool cairo_buffer_begin_access(struct wlr_buffer *wlr_buffer, uint32_t flags, void **data,
				      uint32_t *format, size_t *stride)
{
	struct cairo_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	if (flags & WLR_BUFFER_DATA_PTR_ACCESS_WRITE)
		return false;
	*data = cairo_image_surface_get_data(buffer->surface);
	*format = DRM_FORMAT_ARGB8888;
	*stride = cairo_image_surface_get_stride(buffer->surface);
	return true;
}

static void cairo_buffer_end_access(struct wlr_buffer *wlr_buffer)
{
}

static const struct wlr_buffer_impl cairo_buffer_impl = {
	.destroy = cairo_buffer_destroy,
	.begin_data_ptr_access = cairo_buffer_begin_access,
	.end_data_ptr_access = cairo_buffer_end_access,
};

static void set_source(cairo_t *cr, const float color[4])
{
	cairo_set_source_rgba(cr, color[0], color[1], color[2], color[3]);
}

static void rounded_rectangle(cairo_t *cr, double width, double height, double radius)
{
	radius = MIN(radius, MIN(width, height) / 2);
	cairo_new_sub_path(cr);
	cairo_arc(cr, width - radius, radius, radius, -G_PI / 2, 0);
	cairo_arc(cr, width - radius, height - radius, radius, 0, G_PI / 2);
	cairo_arc(cr, radius, height - radius, radius, G_PI / 2, G_PI);
	cairo_arc(cr, radius, radius, radius, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
}

static PangoLayout *create_layout(cairo_t *cr, const char *text, const struct zc_label_style *style)
{
	PangoLayout *layout = pango_cairo_create_layout(cr);
	PangoFontDescription *font = pango_font_description_from_string(style->font);
	pango_layout_set_font_description(layout, font);
	pango_font_description_free(font);
	pango_layout_set_text(layout, text, -1);
	pango_layout_set_single_paragraph_mode(layout, TRUE);
	if (style->width > 0) {
		pango_layout_set_width(layout,
				       MAX(style->width - 2 * style->padding, 0) * PANGO_SCALE);
		pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	}
	return layout;
}

struct wlr_scene_buffer *zc_label_create(struct wlr_scene_node *parent, const char *text,
					 const struct zc_label_style *style)
{
	/* Measure on a scratch surface, then draw at the final size. */
	cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cairo_t *measure = cairo_create(scratch);
	PangoLayout *layout = create_layout(measure, text, style);
	int text_width, text_height;
	pango_layout_get_pixel_size(layout, &text_width, &text_height);
	g_object_unref(layout);
	cairo_destroy(measure);
	cairo_surface_destroy(scratch);

	int width = style->width > 0 ? style->width : text_width + 2 * style->padding;
	int height = style->height > 0 ? style->height : text_height + 2 * style->padding;
	width = MAX(width, 1);
	height = MAX(height, 1);

	struct cairo_buffer *buffer = g_new0(struct cairo_buffer, 1);
	buffer->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
	cairo_t *cr = cairo_create(buffer->surface);
	set_source(cr, style->background);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	if (style->corner_radius > 0) {
		rounded_rectangle(cr, width, height, style->corner_radius);
		cairo_fill(cr);
	} else {
		cairo_paint(cr);
	}
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	layout = create_layout(cr, text, style);
	set_source(cr, style->foreground);
	cairo_move_to(cr, style->padding, (height - text_height) / 2.0);
	pango_cairo_show_layout(cr, layout);
	g_object_unref(layout);
	cairo_destroy(cr);
	cairo_surface_flush(buffer->surface);

	wlr_buffer_init(&buffer->base, &cairo_buffer_impl, width, height);
	struct wlr_scene_buffer *node = wlr_scene_buffer_create(parent, &buffer->base);
	/* The node holds its own lock; ours goes, so the buffer dies with the node. */
	wlr_buffer_drop(&buffer->base);
	return node;
}

void zc_label_contrasting(const float background[4], float foreground[4])
{
	/* Relative luminance, ITU-R BT.709 weights on the (roughly linear) channel values. */
	float luminance =
		0.2126f * background[0] + 0.7152f * background[1] + 0.0722f * background[2];
	float value = luminance > 0.5f ? 0.0f : 1.0f;
	foreground[0] = foreground[1] = foreground[2] = value;
	foreground[3] = 1.0f;
}
