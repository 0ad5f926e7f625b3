import { Link } from 'react-router';
import { PageTitle } from '../ui';

export function NotFoundPage() {
  return (
    <>
      <PageTitle text="Page introuvable" />
      <p>Cette adresse ne correspond à aucune page de l’espace de travail.</p>
      <p>
        <Link to="/">Revenir à l’accueil</Link>
      </p>
    </>
  );
}
