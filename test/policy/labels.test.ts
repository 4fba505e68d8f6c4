import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { declaredLabels, unlabelledPersonalFields } from '../../gateway/policy/labels';
import { SUPERGRAPH_PATH } from '../../schema/load';

const supergraph = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');

describe('@label', () => {
  it('labels every personal field of the supergraph in Vietnamese and English, its own label or its type’s', () => {
    expect(unlabelledPersonalFields(supergraph)).toEqual([]);
    const labels = declaredLabels(parse(supergraph));
    expect(labels.get('Citizen.fullName')).toEqual({ vi: 'Họ và tên', en: 'Full name' });
    expect(labels.get('Citizen.dateOfBirth')).toEqual({ vi: 'Ngày sinh', en: 'Date of birth' });
    expect(labels.get('Citizen.healthInsurance')).toEqual({ vi: 'Thẻ bảo hiểm y tế', en: 'Health-insurance card' });
    // A field without its own label reads as its type does.
    expect(labels.get('Residence.addressLine')).toEqual({ vi: 'Địa chỉ cư trú', en: 'Residence' });
  });

  it('finds a personal field whose label was left out', () => {
    const without = supergraph.replace(' @label(vi: "Ngày sinh", en: "Date of birth")', '');
    expect(without).not.toBe(supergraph);
    expect(unlabelledPersonalFields(without)).toEqual(['Citizen.dateOfBirth']);
    const typeWithout = supergraph.replace(/(type Residence[^{]*) @label\(vi: "[^"]*", en: "[^"]*"\)/, '$1');
    expect(unlabelledPersonalFields(typeWithout)).toEqual(['Residence.addressLine', 'Residence.unit']);
  });

  it('refuses a label without its Vietnamese or English words', () => {
    const empty = supergraph.replace('@label(vi: "Ngày sinh", en: "Date of birth")', '@label(vi: " ", en: "Date of birth")');
    expect(() => declaredLabels(parse(empty))).toThrow(/Citizen.dateOfBirth: @label needs a Vietnamese \(vi\) and an English \(en\) label/);
  });

  it('is declared in each sector subgraph beside @classify, and composed into the supergraph', () => {
    for (const sector of ['population', 'land', 'health', 'education']) {
      const sdl = fs.readFileSync(path.join(__dirname, '..', '..', 'schema', `${sector}.graphql`), 'utf8');
      expect(sdl).toContain('@composeDirective(name: "@label")');
      expect(sdl).toContain('directive @label(vi: String!, en: String!) on FIELD_DEFINITION | OBJECT | INTERFACE');
    }
    expect(supergraph).toContain('directive @label(vi: String!, en: String!) on FIELD_DEFINITION | OBJECT | INTERFACE');
  });
});
