package io.o2o.analytics.records;

/** Online behaviour of a platform user on one channel (app, wechat, weibo, web, mini_program). */
public record OnlineEvent(String userId, String channel, String action, String sku, String storeId, long ts) {}
