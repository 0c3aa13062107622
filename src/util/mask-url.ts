/** A connection string's password never reaches a log, an error or a configuration message. */
export const maskUrl = (text: string): string => text.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
