// Parses an XML document (an SVG chart) with a real XML parser, collecting every warning and
// error, so that a test can assert that a file is well-formed XML and read its elements.
import { DOMParser } from '@xmldom/xmldom';

export function parseXml(text: string, mimeType: 'image/svg+xml' | 'text/xml' = 'image/svg+xml'): { document: ReturnType<DOMParser['parseFromString']>; problems: string[] } {
  const problems: string[] = [];
  const parser = new DOMParser({ onError: (level, message) => problems.push(`${level}: ${message}`) });
  let document: ReturnType<DOMParser['parseFromString']>;
  try {
    document = parser.parseFromString(text, mimeType);
  } catch (error) {
    problems.push(`fatal: ${(error as Error).message}`);
    document = parser.parseFromString('<svg xmlns="http://www.w3.org/2000/svg"/>', mimeType);
  }
  return { document, problems };
}
