"""Texts of the h-checks fixes: the minerals figures that say what they are (the nearest
deposit with its own distance, the salt lakes apart), the chain-adjacency reach, the site
centre's coordinate system."""

TEXT = {
    # minerals figures
    "col.n_deposits_counted": ("计入的矿产地数（选址内或点位计入半径内）",
                               "Deposits counted (in the site or within the counted radius)"),
    "col.distance_nearest_deposit": ("与最近矿产地距离", "Distance to the nearest deposit"),
    "col.salt_lakes_overlapped": ("选址所在的含矿盐湖", "Mineral salt lakes the site lies in"),
    "col.salt_lake_overlap": ("位于含矿盐湖内面积", "Area inside mineral salt lakes"),
    "col.distance_nearest_mineral": ("与最近矿产地或所在含矿盐湖距离",
                                     "Distance to the nearest deposit or a salt lake the site is in"),
    # chain adjacency
    "chk.chain.far_links": ("“{product}”配套得分 {score:.2f}，但有上下游环节的最近承载地超出距离衰减范围；{reach}",
                            "Adjacency score {score:.2f} for '{product}', but the nearest host of "
                            "some steps is beyond the decay's reach; {reach}"),
    "chk.chain.reach": ("上下游环节共 {n} 个，其中 {n_near} 个在距离衰减范围内（道路 {reach_km:,.0f} 公里内）有承载地",
                        "upstream/downstream steps with a host within the decay's reach "
                        "({reach_km:,.0f} km by road): {n_near} of {n}"),
    "chk.chain.far": ("较远：{far}", "far: {far}"),
    # coordinate systems of an input (geo.crs_labels)
    "crs.working": ("CGCS2000/WGS84 经纬度", "CGCS2000/WGS84 lon/lat"),
    "crs.converted": ("{working}，由 {source} 转换", "{working}, converted from {source}"),
    "crs.wgs84": ("WGS84 经纬度", "WGS84 lon/lat"),
    "crs.cgcs2000": ("CGCS2000 经纬度", "CGCS2000 lon/lat"),
    "crs.gcj02": ("GCJ-02 经纬度", "GCJ-02 lon/lat"),
    "crs.bd09": ("BD-09 经纬度", "BD-09 lon/lat"),
    "crs.wgs84_assumed": ("WGS84 经纬度（推定）", "WGS84 lon/lat (assumed)"),
    "crs.unknown": ("未知", "unknown"),
    "crs.gk_prefixed": ("高斯-克吕格 3°带 第 {zone} 带（带号前缀）",
                        "Gauss-Krüger 3° zone {zone} (zone prefix)"),
    "crs.gk_noprefix": ("高斯-克吕格 3°带 第 {zone} 带（不带带号）",
                        "Gauss-Krüger 3° zone {zone} (no zone prefix)"),
}
