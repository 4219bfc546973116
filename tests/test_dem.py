"""DEM slope and hillshade on generated surfaces with known slopes; import errors."""
import math

import numpy as np
import pytest
from rasterio.io import MemoryFile
from rasterio.transform import from_origin

from geo.dem import Dem, DemError, hillshade, import_dem, read_dem, slope_degrees
from geo.geodesy import metres_per_degree


def _plane(slope_deg: float, lat0=36.5, n=60, cell_deg=0.001, toward="east") -> Dem:
    """A plane rising ``slope_deg`` toward east or north on a degree grid."""
    transform = from_origin(96.0, lat0 + n * cell_deg / 2, cell_deg, cell_deg)
    rows, cols = np.mgrid[0:n, 0:n]
    lats = transform.f + transform.e * (rows + 0.5)
    mx = np.vectorize(lambda la: metres_per_degree(la)[0])(lats)
    my = metres_per_degree(lat0)[1]
    grade = math.tan(math.radians(slope_deg))
    if toward == "east":
        elev = 3000 + grade * cols * cell_deg * mx
    else:
        elev = 3000 + grade * (n - rows) * cell_deg * my
    return Dem(elev=elev, transform=transform, tags={})


@pytest.mark.parametrize("slope", [2.0, 8.0, 25.0])
@pytest.mark.parametrize("toward", ["east", "north"])
def test_slope_of_plane(slope, toward):
    s = slope_degrees(_plane(slope, toward=toward))
    assert np.nanmedian(s[2:-2, 2:-2]) == pytest.approx(slope, abs=0.05)


def test_hillshade_faces_the_light():
    # light from the north-west (315); a slope rising to the east faces west: brighter
    # than one rising to the west, which faces east.
    east = hillshade(_plane(20, toward="east"))
    west_dem = _plane(20, toward="east")
    west_dem.elev = west_dem.elev[:, ::-1]
    west = hillshade(west_dem)
    assert np.nanmean(east) > np.nanmean(west)
    assert np.nanmin(east) >= 0 and np.nanmax(east) <= 1


def _tiff_bytes(elev, transform, crs="EPSG:4326") -> bytes:
    with MemoryFile() as mem:
        with mem.open(driver="GTiff", height=elev.shape[0], width=elev.shape[1], count=1,
                      dtype="float32", crs=crs, transform=transform) as dst:
            dst.write(elev.astype("float32"), 1)
        return mem.read()


def test_import_roundtrip(tmp_path):
    dem = _plane(10)
    out = tmp_path / "dem.tif"
    info = import_dem(_tiff_bytes(dem.elev, dem.transform), out)
    got = read_dem(out)
    assert np.nanmedian(slope_degrees(got)[3:-3, 3:-3]) == pytest.approx(10, abs=0.2)
    assert got.elev.shape == info.shape


def test_import_projected_utm(tmp_path):
    # a 30 m UTM 47N grid near Xining (x = 740 km): reprojected to degrees
    transform = from_origin(740000, 4060000, 30, 30)
    elev = 2300 + np.arange(100)[None, :] * 30 * math.tan(math.radians(5)) + np.zeros((100, 1))
    import_dem(_tiff_bytes(elev, transform, "EPSG:32647"), tmp_path / "d.tif")
    got = read_dem(tmp_path / "d.tif")
    assert 100 < got.bounds[0] < 102 and 36 < got.bounds[1] < 37
    assert np.nanmedian(slope_degrees(got)[5:-5, 5:-5]) == pytest.approx(5, abs=0.3)


@pytest.mark.parametrize("data, message", [
    (b"not a tiff", "not a readable GeoTIFF"),
    (None, "outside Qinghai"),
])
def test_import_errors_keep_the_old_file(tmp_path, data, message):
    out = tmp_path / "dem.tif"
    out.write_bytes(b"previous")
    if data is None:  # a valid DEM over Beijing
        data = _tiff_bytes(np.ones((10, 10)), from_origin(116.0, 40.0, 0.01, 0.01))
    with pytest.raises(DemError, match=message):
        import_dem(data, out)
    assert out.read_bytes() == b"previous"


def test_import_without_crs(tmp_path):
    with MemoryFile() as mem:
        with mem.open(driver="GTiff", height=4, width=4, count=1, dtype="float32") as dst:
            dst.write(np.ones((4, 4), "float32"), 1)
        data = mem.read()
    with pytest.raises(DemError, match="no coordinate reference system"):
        import_dem(data, tmp_path / "x.tif")


@pytest.mark.parametrize("make, zh, en", [
    (lambda: b"not a tiff", "无法读取该高程文件", "Cannot read the elevation file"),
    (lambda: _tiff_bytes(np.ones((10, 10)), from_origin(116.0, 40.0, 0.01, 0.01)),
     "不在青海范围内", "outside Qinghai"),
    (lambda: _tiff_bytes(np.full((10, 10), -32768.0), from_origin(96.0, 36.0, 0.01, 0.01)),
     "没有任何高程值", "no elevation values"),
])
def test_import_errors_speak_the_users_language(tmp_path, make, zh, en):
    from geo.i18n import error_text

    with pytest.raises(DemError) as info:
        import_dem(make(), tmp_path / "x.tif")
    assert zh in error_text(info.value, "zh") and en in error_text(info.value, "en")
    assert "{" not in error_text(info.value, "zh")
