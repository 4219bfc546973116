"""Texts of an imported DEM that covers only part of the province (terrain check, atlas legend)."""

TEXT = {
    "col.dem_used": ("所用高程数据", "DEM used"),
    "dem.used.imported": ("导入的精细高程数据", "imported finer DEM"),
    "dem.used.province": ("全省高程数据", "province DEM"),
    "legend.dem_local": ("框内为导入的精细高程数据，框外为全省概略高程",
                         "Inside its frame: the imported finer DEM; elsewhere the province overview"),
    "chk.terrain.coarse_outside_import": (
        "导入的高程数据（格网约 {local_m:,.0f} 米）未完整覆盖本选址，已改用全省概略高程数据："
        "格网约 {cell_km:,.1f} 公里，比选址粗（选址内 {n_centres} 个格网中心，需至少 {min_cells} 个），"
        "高程约 {elev_mean:,.0f} 米，坡度无法判断，需导入覆盖本选址的更细高程数据",
        "The imported DEM (~{local_m:,.0f} m cells) does not cover the whole site, so the "
        "province overview DEM was used: cell ~{cell_km:,.1f} km, coarser than the site "
        "({n_centres} cell centres inside, {min_cells} needed): elevation ~{elev_mean:,.0f} m; "
        "slope not judged, import a finer DEM that covers this site"),
}
