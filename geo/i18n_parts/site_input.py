"""Texts of site input: coordinates, Gauss-Krüger zones, 界址点 files, uploads.

Keys are raised by ``geo/gk.py``, ``geo/jzd.py`` and ``geo/site_input.py`` as
:class:`~geo.errors.InputError` keys or :class:`~geo.gk.Notice` warnings; the
placeholders are the params they carry. A ``.line`` key is the same message
said of one line of a pasted text or file.
"""

_GK_ZONE_RANGE = ("带号 {zone} 不是 CGCS2000 3度带（25–45）",
                  "zone {zone} is not a CGCS2000 3-degree zone (25–45)")
_GK_NOT_QINGHAI = ("带号 {zone}（中央经线 {cm}°E）不覆盖青海（3度带 30–34 带）",
                   "zone {zone} (central meridian {cm}°E) does not cover Qinghai (3-degree zones 30–34)")
_GK_ZONE_NEEDED = ("Y坐标（东坐标）不带带号（6位整数），请选择带号",
                   "the easting Y carries no zone prefix (6 integer digits); choose the zone")
_GK_ZONE_MIXED = ("Y坐标带有不同的带号前缀：{zones}",
                  "the eastings Y carry different zone prefixes: {zones}")
_GK_ZONE_MISMATCH = ("所选带号为 {zone}，但Y坐标前缀为 {prefix_zone} 带",
                     "zone {zone} was chosen but the easting prefix says zone {prefix_zone}")
_GK_NOT_XY = ("{a}、{b} 不是一对高斯-克吕格坐标：X（北坐标，7位整数，青海约 3480000–4360000 米）"
              "和 Y（东坐标，6位整数，带带号时8位）",
              "{a}, {b} are not a Gauss-Krüger pair: X (northing, 7 integer digits, about "
              "3,480,000–4,360,000 m in Qinghai) and Y (easting, 6 digits, or 8 with the zone prefix)")


def _at_line(text: tuple[str, str]) -> tuple[str, str]:
    return (f"第 {{line}} 行：{text[0]}", f"line {{line}}: {text[1]}")


TEXT: dict[str, tuple[str, str]] = {
    # --- choices shown in the site form
    "site.crs.wgs84": ("WGS84 经纬度（GPS、天地图）", "WGS84 lon/lat (GPS, Tianditu)"),
    "site.crs.cgcs2000": ("CGCS2000 经纬度", "CGCS2000 lon/lat"),
    "site.crs.gcj02": ("GCJ-02 经纬度（高德、腾讯）", "GCJ-02 lon/lat (Amap, Tencent)"),
    "site.crs.bd09": ("BD-09 经纬度（百度）", "BD-09 lon/lat (Baidu)"),
    "site.crs.gk": ("高斯-克吕格3度带 X、Y（自动识别带号）",
                    "Gauss-Krüger 3° zone X, Y (zone detected)"),
    "site.crs.gk_prefixed": ("高斯-克吕格3度带 X、Y（Y带带号）",
                             "Gauss-Krüger 3° zone X, Y (Y with zone prefix)"),
    "site.crs.gk_noprefix": ("高斯-克吕格3度带 X、Y（Y不带带号）",
                             "Gauss-Krüger 3° zone X, Y (Y without zone prefix)"),
    "site.zone": ("3度带带号", "3-degree zone"),
    "site.shape.square": ("正方形", "Square"),
    "site.shape.circle": ("圆形", "Circle"),
    # --- Gauss-Krüger
    "site.err.gk_zone_range": _GK_ZONE_RANGE,
    "site.err.gk_zone_range.line": _at_line(_GK_ZONE_RANGE),
    "site.err.gk_zone_not_qinghai": _GK_NOT_QINGHAI,
    "site.err.gk_zone_not_qinghai.line": _at_line(_GK_NOT_QINGHAI),
    "site.err.gk_zone_needed": _GK_ZONE_NEEDED,
    "site.err.gk_zone_needed.line": _at_line(_GK_ZONE_NEEDED),
    "site.err.gk_zone_mixed": _GK_ZONE_MIXED,
    "site.err.gk_zone_mixed.line": _at_line(_GK_ZONE_MIXED),
    "site.err.gk_zone_mismatch": _GK_ZONE_MISMATCH,
    "site.err.gk_zone_mismatch.line": _at_line(_GK_ZONE_MISMATCH),
    "site.err.gk_not_xy": _GK_NOT_XY,
    "site.err.gk_not_xy.line": _at_line(_GK_NOT_XY),
    "site.err.gk_prefix_expected": (
        "第 {line} 行：Y坐标不带带号，应为8位整数（带号+6位），或改选“Y不带带号”并给出带号",
        "line {line}: the easting Y has no zone prefix; 8 integer digits expected "
        "(zone + 6 digits), or choose 'without zone prefix' and give the zone",
    ),
    # --- pasted coordinates
    "site.err.bad_coord_line": (
        "第 {line} 行无法识别：“{text}”；应为经度、纬度（如 101.775, 36.620 或 101°46′30″, 36°37′12″）",
        "line {line} cannot be read: '{text}'; expected longitude and latitude in degrees "
        "(e.g. 101.775, 36.620 or 101°46′30″, 36°37′12″)",
    ),
    "site.err.bad_gk_line": (
        "第 {line} 行无法识别：“{text}”；应为高斯-克吕格 X（北坐标）、Y（东坐标），单位米",
        "line {line} cannot be read: '{text}'; expected Gauss-Krüger X (northing) and "
        "Y (easting) in metres",
    ),
    "site.err.looks_projected": (
        "第 {line} 行：{a}、{b} 像是以米为单位的投影坐标（如高斯-克吕格），不是经纬度；请改选坐标系",
        "line {line}: {a}, {b} look like projected metres (e.g. Gauss-Krüger), not degrees; "
        "choose that coordinate system",
    ),
    "site.err.few_points": (
        "第 {line} 行起的环只有 {n} 个不同的点，构成面至少需要 3 个",
        "the ring from line {line} has {n} distinct points; a polygon needs at least 3",
    ),
    "site.err.no_points": ("没有输入坐标", "No coordinates were given"),
    "site.err.unknown_crs": ("未知坐标系 {crs}", "Unknown coordinate system {crs}"),
    # --- any site
    "site.err.empty": ("选址范围为空", "The site geometry is empty"),
    "site.err.not_polygon": ("选址范围是 {kind}，需要面（多边形）",
                             "The site is a {kind}; a polygon is needed"),
    "site.err.zero_area": ("选址范围面积为零", "The site has no area"),
    "site.err.outside_qinghai": (
        "选址位于东经 {lon:.2f}°、北纬 {lat:.2f}°，不在青海省范围（东经 89.3–103.2°，北纬 31.5–39.3°）内；"
        "请检查坐标系",
        "The site is at {lon:.2f}E, {lat:.2f}N — outside Qinghai (89.3–103.2E, 31.5–39.3N); "
        "check the coordinate system",
    ),
    "site.err.shape": ("形状 {shape} 无效，应为正方形或圆形",
                       "Shape {shape} is not square or circle"),
    "site.err.area_value": ("面积 {area} 公顷无效，应大于 0 且不超过 {max:,.0f} 公顷",
                            "Area {area} ha is invalid; it must be above 0 and at most {max:,.0f} ha"),
    "site.err.geojson": ("不是有效的 GeoJSON 几何：{reason}", "Not a GeoJSON geometry: {reason}"),
    "site.warn.repaired": ("选址范围几何无效（{reason}），已自动修复，请核对",
                           "The site geometry was invalid ({reason}) and was repaired; please check it"),
    "site.warn.dropped_parts": ("输入为 {kind}，只保留了其中的面", "The input was a {kind}; only its polygons were kept"),
    "site.warn.swapped_xy": ("{n} 个点的 X、Y 顺序颠倒（X 应为北坐标），已自动更正",
                             "X and Y were swapped on {n} points (X is the northing); corrected"),
    "site.warn.swapped_lonlat": ("{n} 个点按“纬度、经度”顺序给出，已更正为“经度、纬度”",
                                 "{n} points were given as latitude, longitude; read as longitude, latitude"),
    # --- 界址点 files
    "jzd.err.bad_line": (
        "第 {line} 行无法识别：“{text}”；界址点行应为 点号,圈号,X(北坐标),Y(东坐标)",
        "line {line} cannot be read: '{text}'; a boundary point line is "
        "point number, ring number, X (northing), Y (easting)",
    ),
    "jzd.err.bad_header": (
        "第 {line} 行地块属性行的“{field}”无法识别：“{text}”；应为 界址点数,地块面积,地块编号,地块名称,面,图幅号,地块用途,地类编码,@",
        "line {line}: the parcel header field {field} cannot be read in '{text}'; expected "
        "point count, area (ha), parcel id, name, 面, sheet, land use, land class, @",
    ),
    "jzd.err.no_at": ("第 {line} 行：地块属性行应以“@”结尾",
                      "line {line}: a parcel header line must end with '@'"),
    "jzd.err.no_header": ("第 {line} 行：界址点出现在任何以“@”结尾的地块属性行之前",
                          "line {line}: a point comes before any parcel header line ending with '@'"),
    "jzd.err.zone_far": (
        "地块位于东经 {lon}°，距第 {zone} 带中央经线（{cm}°E）超过 3°，不能按该带导出界址点；"
        "请选择地块所在的第 {own} 带（或相邻带）",
        "A parcel at {lon}°E lies more than 3° from the central meridian of zone {zone} "
        "({cm}°E); its boundary points cannot be written in that zone. Choose zone {own}, the "
        "parcel's own (or a neighbouring one)"),
    "jzd.err.empty": ("文件中没有地块（没有以“@”结尾的地块属性行）",
                      "The file holds no parcel (no header line ending with '@')"),
    "jzd.err.no_points": ("第 {line} 行的地块没有界址点", "line {line}: the parcel has no points"),
    "jzd.err.few_points": ("第 {line} 行起第 {ring} 圈只有 {n} 个不同的点，构成面至少需要 3 个",
                           "line {line}: ring {ring} has {n} distinct points; a polygon needs at least 3"),
    "jzd.err.zone_mismatch": ("第 {line} 行：文件头带号为 {zone}，但Y坐标前缀为 {prefix_zone} 带",
                              "line {line}: the header says zone {zone} but the eastings Y say zone {prefix_zone}"),
    "jzd.err.zone_needed": ("第 {line} 行：文件头没有带号，Y坐标也不带带号；请给出带号",
                            "line {line}: no 带号 in the header and no zone prefix on Y; give the zone"),
    "jzd.err.prefix_mixed": ("第 {line} 行：部分Y坐标带带号、部分不带",
                             "line {line}: some eastings Y carry the zone prefix and some do not"),
    "jzd.err.zone_width": ("几度分带={value}：目前只支持3度带", "几度分带={value}: only 3-degree zones are supported"),
    "jzd.err.units": ("计量单位={value}：坐标须以米为单位", "计量单位={value}: coordinates must be in metres"),
    "jzd.err.projection": ("投影类型={value}：只支持高斯-克吕格投影",
                           "投影类型={value}: only Gauss-Krüger is supported"),
    "jzd.warn.datum": (
        "文件坐标系为“{value}”，不是2000国家大地坐标系；已按 CGCS2000 读取，未做转换，位置可能偏差数十米",
        "The file's datum is '{value}', not CGCS2000; read as CGCS2000 without conversion, "
        "so positions may be off by tens of metres",
    ),
    "jzd.warn.count_mismatch": ("地块 {parcel}：标明 {stated} 个界址点，实际 {actual} 个",
                                "Parcel {parcel}: {stated} points stated, {actual} in the file"),
    "jzd.warn.area_mismatch": (
        "地块 {parcel}：标明面积 {stated:,.4f} 公顷，按椭球面计算为 {computed:,.4f} 公顷（相差 {pct:+.2f}%）",
        "Parcel {parcel}: stated area {stated:,.4f} ha, ellipsoidal area computed "
        "{computed:,.4f} ha ({pct:+.2f}%)",
    ),
    # --- uploaded files
    "file.err.encoding": ("文件既不是 UTF-8 也不是 GBK 编码的文本", "The file is neither UTF-8 nor GBK text"),
    "file.err.read": ("无法读取文件 {name}：{reason}", "Cannot read {name}: {reason}"),
    "file.err.type": ("不支持的文件类型 {ext}（支持 GeoJSON、KML/KMZ、Shapefile 压缩包、GeoPackage、界址点TXT）",
                      "Unsupported file type {ext} (GeoJSON, KML/KMZ, zipped Shapefile, "
                      "GeoPackage and 界址点 TXT are supported)"),
    "file.err.shp_alone": ("请将 Shapefile 的 .shp、.shx、.dbf、.prj 打包为 .zip 后上传",
                           "Upload the Shapefile as a .zip with its .shp, .shx, .dbf and .prj"),
    "file.err.zip_bad": ("不是有效的 zip 压缩包：{reason}", "Not a valid zip file: {reason}"),
    "file.err.zip_members": ("压缩包内有 {n} 个文件，最多允许 {max} 个",
                             "The zip holds {n} files; at most {max} are allowed"),
    "file.err.zip_size": ("压缩包解压后约 {mb:,.0f} MB，超过上限 {max_mb:,.0f} MB",
                          "The zip unpacks to about {mb:,.0f} MB, above the {max_mb:,.0f} MB limit"),
    "file.err.zip_traversal": ("压缩包含不安全的路径“{name}”，已拒绝", "The zip holds an unsafe path '{name}'; refused"),
    "file.err.zip_no_shp": ("压缩包 {name} 中没有 .shp 文件", "The zip {name} holds no .shp file"),
    "file.err.zip_missing_part": ("{name} 缺少 {parts}", "{name} lacks {parts}"),
    "file.err.no_crs": (
        "{name} 没有 .prj 坐标系文件，坐标也无法判断坐标系（不是经纬度，也不是带带号的高斯-克吕格坐标）；"
        "请补充 .prj 或说明坐标系",
        "{name} has no .prj and its coordinates do not tell their system (neither degrees nor "
        "Gauss-Krüger with zone prefix); add the .prj or state the coordinate system",
    ),
    "file.err.no_polygons": ("{name} 中没有面要素", "{name} holds no polygon"),
    "file.err.bad_geometry": ("{name} 中有 {n} 个要素的几何无法读取（坐标格式错误，如某个点只有一个数），文件中没有可用的面",
                              "{name}: {n} feature(s) have a geometry that cannot be read (bad coordinates, e.g. a point with one number); no usable polygon"),
    "file.warn.assumed_wgs84": ("{name} 没有 .prj，坐标按 WGS84 经纬度读取",
                                "{name} has no .prj; coordinates read as WGS84 lon/lat"),
    "file.warn.gk_from_prefix": ("{name} 没有 .prj，按Y坐标前缀识别为 CGCS2000 高斯-克吕格 {zone} 带",
                                 "{name} has no .prj; read as CGCS2000 Gauss-Krüger zone {zone} from the Y prefix"),
    "file.warn.prj_prefix": (
        ".prj 与坐标是否带带号不一致，已按坐标实际情况使用 {zone} 带",
        "The .prj and the coordinates disagree on the zone prefix; used zone {zone} as the coordinates are written",
    ),
    "file.warn.skipped": ("跳过了 {n} 个非面要素", "{n} [feature that is|features that are:n] not [a polygon was|polygons were:n] skipped"),
    "file.warn.encoding": ("属性表没有 .cpg，按 {encoding} 编码读取", "No .cpg; attributes read as {encoding}"),
}
