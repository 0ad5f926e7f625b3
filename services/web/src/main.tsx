import '@codegouvfr/react-dsfr/main.css';
import './styles.css';
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import { createRoot } from 'react-dom/client';
import { Link, type LinkProps } from 'react-router';
import { Root } from './root';

declare module '@codegouvfr/react-dsfr/spa' {
  interface RegisterLink {
    Link: (props: LinkProps) => React.JSX.Element;
  }
}

startReactDsfr({ defaultColorScheme: 'light', Link });

const container = document.getElementById('root');
if (!container) throw new Error('#root absent');
createRoot(container).render(<Root />);
