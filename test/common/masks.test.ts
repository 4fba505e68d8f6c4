import { applyMask, maskValue } from '../../common/masks';

describe('applyMask', () => {
  it.each([
    ['038085001234', 'PARTIAL_ID', '038*******34'],
    ['1985-06-18', 'YEAR_ONLY', '1985'],
    ['Nguyễn Văn An', 'INITIALS', 'Nguyễn V. A.'],
    ['Đặng Thị Ánh', 'INITIALS', 'Đặng T. Á.'],
    ['Số 12 đường Lê Lợi', 'REDACTED', '***'],
    ['1234', 'PARTIAL_ID', '****'],
    ['unknown', 'YEAR_ONLY', '***'],
  ] as const)('masks %j with %s as %j', (value, mask, expected) => {
    expect(applyMask(value, mask)).toBe(expected);
  });

  it('leaves null as null', () => {
    expect(applyMask(null, 'REDACTED')).toBeNull();
  });
});

describe('maskValue', () => {
  it('masks a value, and each item of a list, null items staying null', () => {
    expect(maskValue('038085001234', 'PARTIAL_ID')).toBe('038*******34');
    expect(maskValue(['1985-06-18', null, '2001-01-02'], 'YEAR_ONLY')).toEqual(['1985', null, '2001']);
    expect(maskValue([['Nguyễn Văn An']], 'INITIALS')).toEqual([['Nguyễn V. A.']]);
    expect(maskValue(null, 'REDACTED')).toBeNull();
  });
});
