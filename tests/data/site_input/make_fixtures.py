"""Regenerate the fixture files of this folder (run: python tests/data/site_input/make_fixtures.py).

``xining_2parcels_gbk.txt``: a 界址点 TXT file, GBK, CRLF, two invented parcels
in Xining's Nanchuan industrial park area (CGCS2000 3-degree zone 34, CM 102E,
Y with zone prefix). Parcel 1 is an irregular hexagon with one hole (ring 2, a
retained substation plot); parcel 2 a quadrilateral. Coordinates are offsets
in metres from the GK projection of (101.73E, 36.53N), written with 3
decimals; stated areas are the ellipsoidal areas (geo.geodesy.area_ha)
rounded to 4 decimals of a hectare. Nothing here is a real parcel.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from geo.gk import gk_to_lonlat, lonlat_to_gk
from geo.geodesy import area_ha as oriented_area_ha
from geo.jzd import assemble_polygon

HERE = Path(__file__).resolve().parent
X0, Y0, _ = lonlat_to_gk(101.73, 36.53, 34)
X0, Y0 = round(X0, -1), round(Y0, -1)

PARCELS = [
    ("QH630122-2024-017", "南川工业园区锂电材料项目用地", "J47G019034", "工业用地", "0601", [
        [(0, 0), (12.345, 402.118), (-298.764, 655.901), (-612.02, 480.337),
         (-590.458, 96.704), (-310.111, -20.5)],
        [(-250.0, 250.0), (-250.0, 330.0), (-330.0, 330.0), (-330.0, 250.0)],
    ]),
    ("QH630122-2024-018", "南川工业园区储能电池配套用地", "J47G019034", "工业用地", "0601", [
        [(150.25, 800.75), (160.5, 1150.125), (-120.875, 1180.0), (-140.333, 790.667)],
    ]),
]


def _fmt(v: float) -> str:
    return f"{v:.3f}"


def build() -> str:
    lines = ["[属性描述]", "格式版本号=1.01版本", "数据产生单位=青海省某测绘院（虚构）",
             "数据产生日期=2024-05-20", "坐标系=2000国家大地坐标系", "几度分带=3",
             "投影类型=高斯克吕格", "计量单位=米", "带号=34", "精度=0.001",
             "转换参数=,,,,,,", "[地块坐标]"]
    for pid, name, sheet, use, code, rings in PARCELS:
        pts, lonlat_rings, no = [], [], 1
        for r, ring in enumerate(rings, start=1):
            xy = [(round(X0 + dx, 3), round(Y0 + dy, 3)) for dx, dy in ring]
            lon, lat = gk_to_lonlat([p[0] for p in xy], [p[1] for p in xy], 34)
            lonlat_rings.append(list(zip(lon, lat)))
            names = [f"J{no + i}" for i in range(len(xy))]
            no += len(xy)
            for n, (x, y) in zip(names + names[:1], xy + xy[:1]):
                pts.append(f"{n},{r},{_fmt(x)},{_fmt(y)}")
        area = oriented_area_ha(assemble_polygon(lonlat_rings))
        lines.append(f"{len(pts)},{area:.4f},{pid},{name},面,{sheet},{use},{code},@")
        lines += pts
    return "\r\n".join(lines) + "\r\n"


if __name__ == "__main__":
    (HERE / "xining_2parcels_gbk.txt").write_bytes(build().encode("gbk"))
