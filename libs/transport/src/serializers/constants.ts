/** Wire ids of the built-in serializers. Never renumber. */
export const JSON_SERIALIZER_ID = 1;
export const MSGPACK_SERIALIZER_ID = 2;
export const PROTOBUF_SERIALIZER_ID = 3;
/** First id free for user serializers. */
export const FIRST_CUSTOM_SERIALIZER_ID = 16;
export const DEFAULT_SERIALIZER = 'json';
