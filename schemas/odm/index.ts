/** CDISC ODM 1.3.2 mapping of the DREAM definition and data: import as `#schemas/odm/index`. */
export * from './admin';
export * from './clinical';
export * from './layout';
export * from './metadata';
export * from './oids';
export * from './values';
export * from './xml-node';
