#!/usr/bin/env python3
"""Generates the Grafana files that depend on the store fences.

    python3 dashboards/generate-store-files.py [FENCE_FILE [OUT_DIR]]

FENCE_FILE defaults to geo-fences/data/sample-city.geojson, OUT_DIR to the folder of this script
(dashboards/). Writes:

  OUT_DIR/gazetteer/o2o-stores.json                  store id -> centroid, for the Geomap "lookup" mode
  OUT_DIR/provisioning/alerting/o2o-occupancy.yaml   one "occupancy over capacity" alert rule per store

The copies in the repository belong to the sample city (DashboardsTest fails while they disagree with it):
for your own fence file, write into another OUT_DIR and mount those two files instead (docs/dashboards.md).
Python 3 standard library only.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_FENCES = os.path.join(ROOT, "geo-fences", "data", "sample-city.geojson")
GAZETTEER = os.path.join("gazetteer", "o2o-stores.json")
ALERT_RULES = os.path.join("provisioning", "alerting", "o2o-occupancy.yaml")

DATASOURCE_UID = "o2o-influxdb"
RULE_UID_MAX = 40  # Grafana's limit for alert rule uids


def ring_moments(ring, origin):
    """Signed area and first moments of a closed ring (shoelace formula), relative to origin: degrees of
    longitude and latitude are large numbers and a store is tiny, so the products would cancel out."""
    ox, oy = origin
    ring = [(x - ox, y - oy) for x, y in ring]
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2.0, cx / 6.0, cy / 6.0


def centroid(geometry):
    """Area-weighted centroid (lon, lat) of a Polygon or MultiPolygon; holes subtract."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError("a store must be a Polygon or MultiPolygon, found " + geometry["type"])
    origin = (float(polygons[0][0][0][0]), float(polygons[0][0][0][1]))
    total = mx = my = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            ring = [(float(p[0]), float(p[1])) for p in ring]
            area, cx, cy = ring_moments(ring, origin)
            # Outer rings add, holes subtract, whatever their orientation.
            sign = 1.0 if index == 0 else -1.0
            if area < 0:
                area, cx, cy = -area, -cx, -cy
            total += sign * area
            mx += sign * cx
            my += sign * cy
    if total <= 0:
        raise ValueError("store footprint has no area")
    return origin[0] + mx / total, origin[1] + my / total


def stores(fence_file):
    with open(fence_file, encoding="utf-8-sig") as f:
        collection = json.load(f)
    found = []
    for feature in collection.get("features", []):
        props = feature.get("properties") or {}
        geometry_type = (feature.get("geometry") or {}).get("type")
        # As FenceCatalog reads it: a polygon drawn without a "type" is a store; one without "capacity" has none
        # known, and gets no occupancy rule.
        if props.get("type") != "store" and not (props.get("type") is None
                                                 and geometry_type in ("Polygon", "MultiPolygon")):
            continue
        if props.get("id") is None or str(props["id"]).strip() == "":
            raise ValueError(fence_file + ": a store without an id (name " + repr(props.get("name")) + ")")
        lon, lat = centroid(feature["geometry"])
        found.append({
            "id": str(props["id"]),
            "name": str(props.get("name") or props["id"]),
            "capacity": None if props.get("capacity") is None else int(props["capacity"]),
            "lat": round(lat, 7),
            "lon": round(lon, 7),
        })
    if not found:
        raise ValueError(fence_file + " has no store features")
    return found


def gazetteer(found):
    # Grafana's "worldmap" gazetteer format: an array of {key, latitude, longitude, name}.
    entries = [dict({"key": s["id"], "name": s["name"], "latitude": s["lat"], "longitude": s["lon"]},
                    **({} if s["capacity"] is None else {"capacity": s["capacity"]})) for s in found]
    return "[\n" + ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in entries) + "\n]\n"


def rule_uid(store_id):
    uid = "o2o-occupancy-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in store_id)
    if len(uid) > RULE_UID_MAX:
        import hashlib
        uid = uid[:RULE_UID_MAX - 9] + "-" + hashlib.sha1(store_id.encode()).hexdigest()[:8]
    return uid


def q(text):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def alert_rules(found, fence_file):
    source = os.path.relpath(fence_file, ROOT)
    if source.startswith(".."):
        source = os.path.basename(fence_file)
    lines = [
        "# GENERATED by dashboards/generate-store-files.py from " + source + ": do not edit by hand.",
        "# One rule per store with a capacity: the store's last occupancy over the last 15 minutes is above the",
        "# capacity in its fence file, for 2 minutes. Rules without a contact point go to Grafana's default policy:",
        "# see contact-points.yaml.example in this folder and docs/dashboards.md.",
        "apiVersion: 1",
        "groups:",
        "  - orgId: 1",
        "    name: store-occupancy",
        "    folder: O2O alerts",
        "    interval: 1m",
        "    rules:" + ("" if any(s["capacity"] is not None for s in found) else " []"),
    ]
    for s in (s for s in found if s["capacity"] is not None):
        sql_id = s["id"].replace("\\", "\\\\").replace("'", "\\'")
        query = ("SELECT last(\"occupancy\") AS \"occupancy\" FROM \"store_traffic\" "
                 "WHERE \"store\" = '" + sql_id + "' AND $timeFilter")
        lines += [
            "      - uid: " + q(rule_uid(s["id"])),
            "        title: " + q("Occupancy over capacity: " + s["id"] + " " + s["name"]),
            "        condition: C",
            "        data:",
            "          - refId: A",
            "            relativeTimeRange: {from: 900, to: 0}",
            "            datasourceUid: " + DATASOURCE_UID,
            "            model:",
            "              refId: A",
            "              rawQuery: true",
            "              resultFormat: time_series",
            "              query: " + q(query),
            "          - refId: B",
            "            datasourceUid: __expr__",
            "            model: {refId: B, type: reduce, expression: A, reducer: last}",
            "          - refId: C",
            "            datasourceUid: __expr__",
            "            model:",
            "              refId: C",
            "              type: threshold",
            "              expression: B",
            "              conditions:",
            "                - evaluator: {type: gt, params: [" + str(s["capacity"]) + "]}",
            "        noDataState: OK",
            "        execErrState: Error",
            "        for: 2m",
            "        labels: {team: o2o, severity: warning, store: " + q(s["id"].replace("$", "$$")) + "}",
            "        annotations:",
            "          summary: " + q(s["name"] + " (" + s["id"] + ") holds more people than its capacity of "
                                      + str(s["capacity"])),
            "          description: " + q("{{ .Values.B.Value }} devices inside, capacity " + str(s["capacity"])
                                          + " (fence file " + source + ")."),
        ]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) > 3 or (len(argv) > 1 and argv[1] in ("-h", "--help")):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    fence_file = os.path.abspath(argv[1]) if len(argv) > 1 else DEFAULT_FENCES
    out_dir = os.path.abspath(argv[2]) if len(argv) > 2 else HERE
    found = stores(fence_file)
    for relative, text in ((GAZETTEER, gazetteer(found)), (ALERT_RULES, alert_rules(found, fence_file))):
        path = os.path.join(out_dir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote " + path + " (" + str(len(found)) + " stores)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
