import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { query } from '../api/client';
import { modalitiesOf, searchFilterOptions, type Vocabularies } from '../vocabularies';
import { emptySearchForm, SearchFiltersForm, toSearchFilters, type SearchFormValues } from './search-filters-form';

/** A slice of `GET /api/directory/v1/vocabularies` as the directory serves it (data·inclusion v1 values, categories first). */
const vocabularies: Vocabularies = {
  thematiques: [
    { value: 'famille', label: 'Famille', description: 'Catégorie : toutes ses thématiques' },
    { value: 'famille--garde-denfants', label: 'Garde d’enfants', parent: 'famille' },
    { value: 'numerique', label: 'Numérique', description: 'Catégorie : toutes ses thématiques' },
    { value: 'numerique--acceder-a-des-services-en-ligne', label: 'Accéder à des services en ligne', parent: 'numerique' },
    { value: 'numerique--acquerir-un-equipement', label: 'Acquérir un équipement', parent: 'numerique' },
  ],
  typesServices: [],
  publics: [
    { value: 'tous-publics', label: 'Tous publics' },
    { value: 'seniors', label: 'Seniors' },
  ],
  frais: [{ value: 'gratuit', label: 'Gratuit' }],
  modesAccueil: [
    { value: 'a-distance', label: 'À distance' },
    { value: 'en-presentiel', label: 'En présentiel' },
  ],
  modesMobilisation: [],
  roles: [
    { value: 'accompagnement', label: 'Accompagnement' },
    { value: 'formation', label: 'Formation' },
  ],
};

function renderForm(initial: SearchFormValues = emptySearchForm) {
  const onSearch = jest.fn<void, [SearchFormValues]>();
  render(<SearchFiltersForm initial={initial} options={searchFilterOptions(vocabularies)} onSearch={onSearch} />);
  return onSearch;
}

const optionTexts = (select: HTMLElement) => within(select).getAllByRole('option').map((option) => option.textContent);

describe('SearchFiltersForm', () => {
  it('offers the vocabularies\' values and labels only, each thématique under its category', () => {
    renderForm();
    const need = screen.getByLabelText('Besoin (thématique)');
    expect(optionTexts(need)).toEqual(['Tous les besoins', 'Famille (toutes)', 'Garde d’enfants', 'Numérique (toutes)', 'Accéder à des services en ligne', 'Acquérir un équipement']);
    expect([...need.querySelectorAll('optgroup')].map((group) => group.label)).toEqual(['Famille', 'Numérique']);
    expect([...need.querySelectorAll('option')].map((option) => option.value)).toEqual(['', 'famille', 'famille--garde-denfants', 'numerique', 'numerique--acceder-a-des-services-en-ligne', 'numerique--acquerir-un-equipement']);
    expect(optionTexts(screen.getByLabelText('Public'))).toEqual(['Tous les publics', 'Tous publics', 'Seniors']);
    expect(optionTexts(screen.getByLabelText('Mode d’accueil'))).toEqual(['Tous', 'À distance', 'En présentiel']);
    expect(optionTexts(screen.getByLabelText('Rôle du service'))).toEqual(['Tous les rôles', 'Accompagnement', 'Formation']);
    // No raw code anywhere: every option's text is a label of the vocabularies.
    for (const option of screen.getAllByRole('option')) expect(option.textContent).not.toMatch(/--|^[a-z-]+$/);
  });

  it('is filled with the keyboard and sends the values the directory\'s search accepts', async () => {
    const user = userEvent.setup();
    const onSearch = renderForm();
    await user.selectOptions(screen.getByLabelText('Besoin (thématique)'), 'numerique');
    await user.selectOptions(screen.getByLabelText('Mode d’accueil'), 'en-presentiel');
    await user.selectOptions(screen.getByLabelText('Public'), 'seniors');
    await user.click(screen.getByLabelText(/Commune de la personne/));
    await user.keyboard('56260');
    await user.keyboard('{Enter}');
    expect(onSearch).toHaveBeenCalledTimes(1);
    const filters = toSearchFilters(onSearch.mock.calls[0]?.[0] ?? emptySearchForm);
    expect(filters).toEqual({ thematique: 'numerique', modeAccueil: 'en-presentiel', public: 'seniors', commune: '56260', radiusKm: '20' });
    // What goes to GET /api/directory/v1/services: the search's own parameter names and values.
    expect(query({ thematique: filters.thematique, public: filters.public, modality: modalitiesOf(filters.modeAccueil), commune: filters.commune, radiusKm: filters.radiusKm })).toBe(
      '?thematique=numerique&public=seniors&modality=sur-place&modality=a-domicile&modality=itinerant&commune=56260&radiusKm=20',
    );
    expect(modalitiesOf('a-distance')).toEqual(['a-distance']);
    expect(modalitiesOf('')).toBeUndefined();
  });

  it('says what is wrong next to the field and does not search', async () => {
    const user = userEvent.setup();
    const onSearch = renderForm();
    await user.type(screen.getByLabelText(/Commune de la personne/), 'Vannes');
    await user.clear(screen.getByLabelText('Rayon (km)'));
    await user.type(screen.getByLabelText('Rayon (km)'), '500');
    await user.click(screen.getByRole('button', { name: 'Rechercher' }));
    expect(onSearch).not.toHaveBeenCalled();
    expect(screen.getByText(/Le code INSEE de la commune a 5 caractères/)).toBeTruthy();
    expect(screen.getByText('Le rayon va de 1 à 200 km.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText(/Commune de la personne/));
    expect(screen.getByLabelText(/Commune de la personne/).getAttribute('aria-invalid')).toBe('true');
  });

  it('shows a search opened from an address as it was made', () => {
    renderForm({ ...emptySearchForm, thematique: 'famille--garde-denfants', modeAccueil: 'a-distance', acceptsReferrals: true });
    expect(screen.getByLabelText<HTMLSelectElement>('Besoin (thématique)').value).toBe('famille--garde-denfants');
    expect(screen.getByLabelText<HTMLSelectElement>('Mode d’accueil').value).toBe('a-distance');
    expect(screen.getByLabelText<HTMLInputElement>('Reçoit les orientations Relais').checked).toBe(true);
  });
});
