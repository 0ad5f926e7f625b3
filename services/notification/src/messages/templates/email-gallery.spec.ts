import { emailGallery } from './email-gallery';
import { templateNames } from './template-names';

describe('the email gallery (docs/notification/ screenshots)', () => {
  it('renders every template, each with a subject, a text part and an HTML part', () => {
    const gallery = emailGallery();
    expect(Object.keys(gallery).sort()).toEqual([...templateNames].sort());
    for (const message of Object.values(gallery)) {
      expect(message.subject.length).toBeGreaterThan(0);
      expect(message.html).toContain('<!doctype html>');
      // The plain-text part ends with the footer that says why the mail came.
      expect(message.text).toMatch(/\n—\nVous recevez ce (courriel|message) parce que/);
    }
  });
});
