import 'maplibre-gl/dist/maplibre-gl.css';
import { Map as MapLibreMap, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';

setWorkerUrl(workerUrl);

export interface MapPoint {
  id: string;
  name: string;
  longitude: number;
  latitude: number;
  full: boolean;
}

/**
 * A map with no tile server: the département's commune outlines (GeoJSON from the same origin) and the
 * services as points, nothing else, so it works offline and requests nothing from elsewhere. No text on
 * the map (text needs glyph files): names are in the list beside it, which is the accessible view; the
 * map is a complement, hidden from screen readers.
 */
export default function OfflineMap({ communesUrl, points, highlightCommune }: { communesUrl: string; points: MapPoint[]; highlightCommune?: string | undefined }) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const created = new MapLibreMap({
      container: container.current,
      style: {
        version: 8,
        sources: {
          communes: { type: 'geojson', data: communesUrl },
          services: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        },
        layers: [
          { id: 'fond', type: 'background', paint: { 'background-color': '#eef3f8' } },
          { id: 'communes', type: 'fill', source: 'communes', paint: { 'fill-color': ['case', ['==', ['get', 'code'], highlightCommune ?? ''], '#cacafb', '#ffffff'], 'fill-opacity': 0.9 } },
          { id: 'limites', type: 'line', source: 'communes', paint: { 'line-color': '#929292', 'line-width': 0.6 } },
          {
            id: 'services',
            type: 'circle',
            source: 'services',
            paint: { 'circle-radius': 6, 'circle-color': ['case', ['get', 'full'], '#ce0500', '#000091'], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
          },
        ],
      },
      center: [-2.85, 47.85],
      zoom: 7.6,
      attributionControl: false,
    });
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
    };
  }, [communesUrl, highlightCommune]);

  useEffect(() => {
    const current = map.current;
    if (!current) return;
    const apply = () => {
      const source = current.getSource<GeoJSONSource>('services');
      void source?.setData({
        type: 'FeatureCollection',
        features: points.map((point) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [point.longitude, point.latitude] }, properties: { id: point.id, name: point.name, full: point.full } })),
      });
      if (points.length > 0) {
        const lons = points.map((p) => p.longitude);
        const lats = points.map((p) => p.latitude);
        current.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 40, maxZoom: 12, duration: 0 });
      }
    };
    if (current.isStyleLoaded()) apply();
    else current.once('load', apply);
  }, [points]);

  return <div ref={container} className="relais-map" role="region" aria-label={`Carte : ${points.length} services placés (la liste donne le détail ; flèches pour déplacer, + et − pour zoomer)`} />;
}
