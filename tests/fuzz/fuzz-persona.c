/*
 * libFuzzer target for the persona loader: any bytes, as YAML (or as JSON when they start with
 * '{'), must load or fail with an error, never crash, leak or hang. A persona that loads must
 * survive the trip through its canonical JSON unchanged: same canonical bytes, same hash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "persona.h"
#include "zion-error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name = size > 0 && data[0] == '{' ? "fuzz.json" : "fuzz.yaml";
	GError *error = NULL;
	ZionPersona *persona = zion_persona_load_data(name, (const char *)data, size, &error);
	if (!persona) {
		if (!error || error->domain != ZION_ERROR || !strchr(error->message, ':'))
			abort(); /* every failure must say where */
		g_error_free(error);
		return 0;
	}
	char *canonical = zion_persona_canonical_json(persona);
	ZionPersona *again =
		zion_persona_load_data("canonical.json", canonical, strlen(canonical), &error);
	if (!again)
		abort();
	char *canonical_again = zion_persona_canonical_json(again);
	if (strcmp(canonical, canonical_again) != 0)
		abort();
	g_free(canonical_again);
	g_free(canonical);
	zion_persona_free(again);
	zion_persona_free(persona);
	return 0;
}
