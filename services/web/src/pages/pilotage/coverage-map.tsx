import 'maplibre-gl/dist/maplibre-gl.css';
import { LngLatBounds, Map as MapLibreMap, setWorkerUrl, type FilterSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import { coverageColours } from './coverage-colours';

setWorkerUrl(workerUrl);

interface CommuneFeature {
  type: 'Feature';
  properties: { code: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

/**
 * The network's communes, green where a service of the chosen role is within reach and red where none is;
 * the same offline outlines as the directory's map (same origin, no tiles, no text). A complement to the
 * table, which is the accessible view: the picture says so in its label.
 */
export default function CoverageMap({ communesUrl, covered, uncovered }: { communesUrl: string; covered: string[]; uncovered: string[] }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    const codes = new Set([...covered, ...uncovered]);
    const abort = new AbortController();
    let map: MapLibreMap | null = null;
    void fetch(communesUrl, { signal: abort.signal })
      .then((response) => response.json() as Promise<{ features: CommuneFeature[] }>)
      .then((all) => {
        if (!container.current) return;
        const features = all.features.filter((f) => codes.has(f.properties.code));
        const bounds = new LngLatBounds();
        const extend = (coordinates: unknown): void => {
          if (Array.isArray(coordinates) && typeof coordinates[0] === 'number' && typeof coordinates[1] === 'number') bounds.extend([coordinates[0], coordinates[1]]);
          else if (Array.isArray(coordinates)) coordinates.forEach(extend);
        };
        features.forEach((f) => extend(f.geometry.coordinates));
        const inNetwork: FilterSpecification = ['in', ['get', 'code'], ['literal', [...codes]]];
        map = new MapLibreMap({
          container: container.current,
          style: {
            version: 8,
            // The outlines file itself (already in the browser's cache), the network's communes kept by the layers' filter.
            sources: { communes: { type: 'geojson', data: communesUrl } },
            layers: [
              { id: 'fond', type: 'background', paint: { 'background-color': '#eef3f8' } },
              {
                id: 'communes',
                type: 'fill',
                source: 'communes',
                filter: inNetwork,
                paint: { 'fill-color': ['case', ['in', ['get', 'code'], ['literal', covered]], coverageColours.covered, coverageColours.uncovered], 'fill-opacity': 0.55 },
              },
              { id: 'limites', type: 'line', source: 'communes', filter: inNetwork, paint: { 'line-color': '#3a3a3a', 'line-width': 0.6 } },
            ],
          },
          ...(bounds.isEmpty() ? { center: [-2.85, 47.85] as [number, number], zoom: 7.6 } : { bounds, fitBoundsOptions: { padding: 20 } }),
          attributionControl: false,
        });
      })
      .catch(() => undefined);
    return () => {
      abort.abort();
      map?.remove();
    };
  }, [communesUrl, covered, uncovered]);
  return (
    <div
      ref={container}
      className="relais-map relais-coverage-map"
      role="img"
      aria-label={`Carte des communes du réseau : ${covered.length} couvertes (en vert), ${uncovered.length} sans service à portée (en rouge). Le tableau qui suit donne le détail.`}
    />
  );
}
