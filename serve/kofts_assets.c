/*
 * kofts_assets.c - the only files kofts-serve sends: the files in serve/assets/, compiled in at
 * build time (serve/CMakeLists.txt embeds them). Nothing is read from disk at run time.
 */
#include "kofts_render.h"

#include "asset_css.h"
#include "asset_js.h"

const char *const kofts_asset_css = asset_css;
const char *const kofts_asset_dropin_js = asset_js;
