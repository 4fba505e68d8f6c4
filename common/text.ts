/**
 * Given a Vietnamese name, returns its search form: lower case, diacritics removed, đ read as d,
 * single spaces. "Nguyễn Thị  Ánh" -> "nguyen thi anh". The same form is stored and searched.
 */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Given a search prefix, returns the smallest string greater than every string that starts with it,
 * so that a prefix match is a range on an index under binary collation: prefix <= value < upperBound.
 */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
