import { Button } from '@codegouvfr/react-dsfr/Button';
import { useInstance } from '../auth/agent-context';
import { signIn } from '../auth/session';
import { BrandHeader } from '../layout/brand-header';
import { PageTitle } from '../ui';

export function SignInPage() {
  const { config } = useInstance();
  return (
    <>
      <BrandHeader config={config} agent={null} structureName={null} nav={[]} onSignOut={() => undefined} />
      <main id="contenu" className="fr-container fr-py-6w">
        <div className="fr-grid-row fr-grid-row--center">
          <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <PageTitle text="Se connecter à Relais" />
            <p className="fr-text--lead">L’espace de travail des structures qui accompagnent et orientent les personnes : diagnostic, annuaire, orientations et suivi.</p>
            <p>Connectez-vous avec le compte professionnel de votre structure.</p>
            <Button iconId="fr-icon-account-circle-line" onClick={() => void signIn()}>
              Se connecter
            </Button>
          </div>
        </div>
      </main>
    </>
  );
}
