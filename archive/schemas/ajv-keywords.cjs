// For ajv (strict mode): the keywords of these schemas that are not JSON Schema's own.
//   ajv validate --spec=draft2020 --strict=true -c ajv-formats -c ./ajv-keywords.cjs ...
// x-confidential marks a field that may hold an age-encrypted value; it is an annotation only
// (the schema's if/then/else says what such a field accepts), so ajv has nothing to check.
module.exports = (ajv) => ajv.addKeyword({ keyword: "x-confidential", schemaType: "boolean" });
